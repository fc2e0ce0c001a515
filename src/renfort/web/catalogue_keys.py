"""Message keys that the code builds at run time (``"status." ~ agent.state``,
``f"planner.note.{code}"``): pybabel cannot read them in the source, so this module names
them, from the domain's own value sets where there is one, and ``extract`` gives them to
``pybabel extract`` (see ``babel.cfg``). A key built elsewhere and missing here is dropped
from the catalogue by ``make messages`` — and the catalogue test says so first.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PLURALS: dict[str, str] = {
    # key built at run time → the value that counts (the catalogue has a plural entry).
    "planner.note.holidays_closed": "skipped",
    "planner.note.aht_default": "queues",
    "planner.note.patience_default": "queues",
    "planner.note.surge_learned": "events",
    "planner.note.surge_applied": "events",
    "planner.remark.idle_intervals": "idle",
    "wall.alert.nobody": "value",
}

# Vocabularies with no value set elsewhere in the code: prefix → the values the code puts
# after it (where: the template or module that builds the key).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "agent.done": ("wrap_up", "transfer"),  # pages/agent.py
    "agent.urgency": ("alert", "doubt", "health"),  # agent/panel.html
    "author": ("customer", "agent", "system", "assistant"),  # agent/messages.html
    "chat.author": ("customer", "agent", "system", "assistant"),  # chat/log.html
    "kb.status": ("draft", "published", "archived"),  # knowledge/list.html
    "kb.vstatus": ("draft", "published", "superseded", "archived"),  # knowledge/article.html
    "moves.reason": ("already-there", "home-setup", "no-site", "telework-policy",
                     "unknown-agent"),  # sites/moves.html
    "note.handoff": ("asked", "no_article", "unsure", "medical_doubt", "other"),  # notes.py
    "note.label": ("medical_urgent", "medical", "psychological", "health_info",
                   "non_medical"),  # notes.py
    "sites.done": ("accepted", "revoked", "seated", "left", "consulted"),  # pages/sites.py
    "sites.waiver": ("active", "expired", "future", "revoked"),  # sites/overview.html
    "triage": ("medical_urgent", "medical", "psychological", "health_info",
               "non_medical"),  # agent/triage.html, supervisor/wall.html
    "wall.agent_sort": ("state", "time", "name"),  # supervisor/page.html
    "wall.sort": ("waiting", "oldest", "sl", "name"),  # supervisor/page.html
    "wall.level": ("warn", "bad", "critical"),  # pages/supervisor.py
    "wall.alert": ("sl", "wait", "waiver", "capacity", "nobody"),  # pages/supervisor.py
    "error.field": ("action", "aht", "aht_seconds", "alternatives", "answer", "audience", "body",
                    "bullseye", "capacity", "category", "changes", "cleaning_minutes",
                    "conditions", "content", "customer_ref", "day", "disposition",
                    "disposition_note", "distance", "end", "ends_at", "evidence", "external_ref",
                    "forecast", "forecast_csv", "from", "held_on", "horizon", "hours",
                    "interval_minutes", "interval_start", "label", "lang", "load", "max_abandon",
                    "max_asa", "max_asa_seconds", "max_occupancy", "min_distance", "mode", "note",
                    "number", "page", "participants", "patience", "patience_seconds", "plan_csv",
                    "planned", "queue", "reason", "rules", "schedule", "seat", "seat_id", "sites",
                    "source", "source_date", "source_url", "staffing", "start", "state", "status",
                    "tags", "text", "threshold", "title", "to", "until", "valid_from", "valid_to",
                    "version", "volume", "window", "window_end", "window_start", "within_seconds",
                    "workers", "zone"),  # refusals.field_label: a field's label
    "redirects.status": ("in_force", "scheduled", "superseded"),  # pages/redirects.py
    "redirects.error": ("length", "count", "type", "format", "kind", "urgent_first", "past",
                        "instant"),  # pages/redirects.py
    "redirects.field": ("label", "numbers", "number_label", "number", "number_kind",
                        "hours", "message", "source", "valid_from"),  # pages/redirects.py
}


_ERRORS = {"RenfortError", "ValidationError", "NotFoundError", "ConflictError",
           "InvalidTransitionError", "AgentStateError", "PermissionDeniedError",
           "AuthenticationError", "RateLimitedError", "UnavailableError", "InternalError",
           "refusal"}


def raised_reasons(source: Path | None = None) -> dict[str, list[str]]:
    """The reason codes the code raises its errors with (``reason="seat-taken"``), each with
    where: the pages show ``error.reason.<code>``. A reason is a literal code (checked)."""
    source = source or Path(__file__).resolve().parents[1]
    found: dict[str, list[str]] = {}
    for path in sorted(source.rglob("*.py")):
        if path.name == "refusals.py":  # its codes are its tables, listed in built_keys
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for keyword in node.keywords if name in _ERRORS else ():
                if keyword.arg == "reason":
                    if not isinstance(keyword.value, ast.Constant):
                        raise ValueError(f"{path}:{node.lineno}: a reason is a literal code")
                    found.setdefault(str(keyword.value.value), []).append(
                        f"{path.relative_to(source)}:{node.lineno}")
    return found


def refusal_reasons() -> list[str]:
    """Every reason code a refusal can show: raised in the code or derived by the pages
    from a form's validation error."""
    from renfort.web import refusals

    derived = [*refusals.KIND_OF.values(), *(r for r, _ in refusals.LIMITS.values()),
               "field-invalid", "field-positive", "page-text"]
    return list(dict.fromkeys([*raised_reasons(), *derived]))


def built_keys() -> list[str]:
    """Every key the code builds from a value, in a stable order."""
    from renfort.domain.contacts import ContactState
    from renfort.domain.errors import RenfortError
    from renfort.domain.model import Channel
    from renfort.domain.retention import KINDS
    from renfort.knowledge.redirects import KEYS
    from renfort.planning.forecast import NOTES
    from renfort.routing.types import AgentStatus
    from renfort.services.principals import Role
    from renfort.services.retention import COUNTED
    from renfort.services.safety import FLAG_ORIGINS
    from renfort.services.saved_plans import FILES
    from renfort.services.staffing import REMARKS
    from renfort.web.pages import admin, agent, reports, sites
    from renfort.web.session import PAGES

    def errors(cls: type[RenfortError]) -> Iterator[str]:
        yield cls.error_id
        for sub in cls.__subclasses__():
            yield from errors(sub)

    keys = (
        [f"status.{s}" for s in AgentStatus] + ["status.busy"]
        + [f"contact_state.{s}" for s in ContactState]
        + [f"channel.{c}" for c in Channel]
        + [f"role.{r}" for r in Role]
        + [f"nav.{p.key}" for p in PAGES]
        + [f"break.{b}" for b in agent.BREAK_REASONS]
        + [f"disposition.{d}" for d in agent.DISPOSITIONS]
        + [f"admin.tab.{t}" for t in admin.ADMIN_TABS]
        + [f"admin.new_title.{t}" for t in admin.ADMIN_TABS]
        + [f"field.{f.name}" for fields in admin.FORMS.values() for f in fields]
        + [f"field.{c}" for columns in admin.COLUMNS.values() for c in columns]
        + [f"enum.{kind}.{v}" for kind, values in admin.ENUMS.items() for v in values]
        + [f"sites.status.{s}" for s in sites.MEASURE_STATUSES]
        + [f"planner.remark.{code}" for code in REMARKS]
        + [f"planner.note.{code}" for code in NOTES]
        + [f"planner.file.{name}" for name in FILES]
        + [f"privacy.kind.{kind}" for kind in COUNTED]
        + [f"privacy.retention.{kind}" for kind in KINDS]
        + [f"privacy.action.{action}" for action in ("purge", "export", "erase")]
        + [f"redirects.key.{k}" for k in KEYS] + [f"agent.alert.title.{k}" for k in KEYS]
        + [f"wall.flag_origin.{o}" for o in FLAG_ORIGINS]
        + [f"reports.grouping.{g}" for g in reports.GROUPINGS]
        + [f"error.{e}" for e in errors(RenfortError)] + ["error.cross-origin"]  # api/csrf.py
        + [f"error.reason.{code}" for code in refusal_reasons()]
        + [f"{prefix}.{value}" for prefix, values in VOCABULARIES.items() for value in values]
    )
    return list(dict.fromkeys(keys))


def extract(fileobj: Any, keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """A pybabel extraction method (``babel.cfg``): this module's keys, plural ones as
    plural entries."""
    for key in built_keys():
        if key in PLURALS:
            yield 1, "_n", (key, key), [f"counts: {PLURALS[key]}"]
        else:
            yield 1, "_", key, []

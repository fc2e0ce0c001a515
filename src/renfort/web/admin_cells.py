"""What the administration lists show in each cell: names instead of slugs and ids,
French labels instead of enum values, formatted shares and durations (``0.8`` → « 80 % »,
``86400.0`` → « 24 h »). The forms keep the raw values; only the lists are dressed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal
from renfort.web.templating import label, language, message, number, percent, short_duration

Names = Mapping[str, Mapping[str, str]]
"""Per kind (``clients``…), the name of each entity by id and by slug."""
_REFERENCES = {"client": "clients", "client_id": "clients", "outsourcer": "outsourcers",
               "outsourcer_id": "outsourcers", "site_id": "sites", "agent_id": "agents",
               "queue_ids": "queues"}


def names(catalog: Catalog, who: Principal, kinds: set[str]) -> Names:
    """The names the caller may see, for the kinds a list refers to (``skills``: a skill
    by the name of the queue that needs it)."""
    out: dict[str, dict[str, str]] = {}
    if "skills" in kinds:
        out["skills"] = {str(q["skill"]): str(q["name"])
                         for q in reversed(catalog.list(KINDS["queues"], who))}
    for kind in kinds - {"skills"}:
        table: dict[str, str] = {}
        for item in catalog.list(KINDS[kind], who):
            shown = str(item.get("name") or item.get("slug") or item["id"])
            table[str(item["id"])] = shown
            if item.get("slug"):
                table[str(item["slug"])] = shown
        out[kind] = table
    return out


def referred_kinds(columns: tuple[str, ...]) -> set[str]:
    kinds = {_REFERENCES[c] for c in columns if c in _REFERENCES}
    return kinds | ({"skills"} if {"skill", "skills"} & set(columns) else set())


def _yes_no(value: Any) -> str:
    return label("true" if value else "false", "yesno")


_FORMATS: dict[str, Callable[[Any], str]] = {
    "sector": lambda v: label(v, "sector"),
    "telework": lambda v: label(v, "telework"),
    "works_from": lambda v: label(v, "workplace"),
    "public": _yes_no,
    "sl_target": percent,
    "volume_share": percent,
    "sl_seconds": short_duration,
    "seats": number,
    "priority_override": lambda v: "—" if v is None else number(v),
    "language": language,
    "role": lambda v: message(f"role.{v}"),
    "channels": lambda v: ", ".join(message(f"channel.{c}") for c in sorted(v)),
}


def cell(column: str, value: Any, known: Names) -> str:
    """The text of one cell."""
    if value is None or value == "" or value == []:
        return "—"
    if column in _REFERENCES:
        table = known.get(_REFERENCES[column], {})
        if isinstance(value, list):
            return ", ".join(table.get(str(v), str(v)) for v in value)
        return table.get(str(value), str(value))
    if column in _FORMATS:
        return _FORMATS[column](value)
    skills = known.get("skills", {})
    if column == "skills":
        return ", ".join(skills.get(k, k) + " (" + message("admin.level", n=n) + ")"
                         for k, n in sorted(value.items()))
    if column == "skill":
        return skills.get(str(value), str(value))
    return str(value)

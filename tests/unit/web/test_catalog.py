"""Every message key the pages use exists in the French catalog."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

from renfort.domain.contacts import ContactState
from renfort.domain.model import Channel
from renfort.domain.retention import KINDS
from renfort.planning.forecast import NOTES
from renfort.routing.types import AgentStatus
from renfort.services.principals import Role
from renfort.services.retention import COUNTED
from renfort.services.saved_plans import FILES
from renfort.services.staffing import REMARKS
from renfort.web.i18n import FRENCH as MESSAGES
from renfort.web.i18n import gettext, translator
from renfort.web.pages import admin, agent, sites
from renfort.web.session import PAGES

WEB = Path(__file__).resolve().parents[3] / "src" / "renfort" / "web"
LITERAL = re.compile(r"""(?:\b_|\bmessage)\(\s*["']([a-z_]+\.[a-z0-9_.-]*[a-z0-9_-])["']\s*[,)]""")


def _used_literally() -> set[str]:
    keys: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        keys.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_literal_key_is_in_the_catalog() -> None:
    missing = sorted(k for k in _used_literally() if k not in MESSAGES)
    assert missing == []


def test_keys_built_from_domain_values_exist() -> None:
    built = (
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
        + [f"enum.{kind}.{v}" for kind, values in admin._ENUMS.items() for v in values]
        + [f"sites.status.{s}" for s in sites.MEASURE_STATUSES]
        + [f"planner.remark.{code}" for code in REMARKS]
        + [f"privacy.kind.{kind}" for kind in COUNTED]
        + [f"privacy.retention.{kind}" for kind in KINDS]
        + [f"privacy.action.{action}" for action in ("purge", "export", "erase")]
        + [f"planner.note.{code}" for code in NOTES]
        + [f"planner.file.{name}" for name in FILES]
    )
    assert sorted(k for k in built if k not in MESSAGES) == []


def test_staffing_remarks_use_the_same_figures_in_french() -> None:
    for code, english in REMARKS.items():
        french = MESSAGES[f"planner.remark.{code}"]
        assert {f[1] for f in Formatter().parse(french) if f[1]} == {
            f[1] for f in Formatter().parse(english) if f[1]}, code


def test_forecast_notes_use_the_same_figures_in_french() -> None:
    for code, english in NOTES.items():
        french = MESSAGES[f"planner.note.{code}"]
        assert {f[1] for f in Formatter().parse(french) if f[1]} == {
            f[1] for f in Formatter().parse(english) if f[1]}, code


def test_placeholders_are_filled_and_unknown_keys_show() -> None:
    _ = translator("fr")
    assert _("wall.present_count", n=3) == "3 connecté(s)"
    assert gettext("no.such.key") == "no.such.key"
    assert gettext("nav.agent", locale="en") == MESSAGES["nav.agent"]


def test_the_pages_listen_to_every_live_event_type() -> None:
    from renfort.services.events import EventType

    script = (WEB / "static" / "js" / "renfort.js").read_text(encoding="utf-8")
    listened = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', script.split("];")[0]))
    assert {str(t) for t in EventType} <= listened


def test_directory_and_alert_keys_exist() -> None:
    from renfort.knowledge.redirects import KEYS
    from renfort.services.safety import FLAG_ORIGINS

    rules = ("length", "count", "type", "format", "kind", "urgent_first", "past", "instant")
    fields = ("label", "numbers", "number_label", "number", "number_kind", "hours",
              "message", "source", "valid_from")
    built = ([f"redirects.key.{k}" for k in KEYS] + [f"agent.alert.title.{k}" for k in KEYS]
             + [f"redirects.error.{r}" for r in rules]
             + [f"redirects.field.{f}" for f in fields]
             + [f"redirects.status.{s}" for s in ("in_force", "scheduled", "superseded")]
             + [f"wall.flag_origin.{o}" for o in FLAG_ORIGINS])
    assert sorted(k for k in built if k not in MESSAGES) == []

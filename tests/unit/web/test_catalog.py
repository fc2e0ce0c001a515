"""The gettext catalogue holds every key the pages use, in French, in its plural forms, and
is what ``make messages`` would extract from the code today."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from renfort.planning.forecast import NOTES
from renfort.services.staffing import REMARKS
from renfort.web.catalogue_keys import PLURALS, built_keys
from renfort.web.i18n import catalogue_path, gettext, ngettext, translator

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "src" / "renfort" / "web"
KEYWORDS = {"_": None, "message": None, "_n": (1, 1), "message_n": (1, 1)}  # as the Makefile


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def french() -> Catalog:
    with catalogue_path("fr").open("rb") as handle:
        return read_po(handle, locale="fr")


@pytest.fixture(scope="module")
def extracted() -> dict[str, bool]:
    """What ``pybabel extract -F babel.cfg`` finds: key → whether it has plural forms."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, bool] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "src"), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        found[_key(message)] = found.get(_key(message), False) or not isinstance(message, str)
    return found


def _entries(catalogue: Catalog) -> dict[str, tuple[str, ...]]:
    return {_key(m.id): (m.string,) if isinstance(m.string, str) else tuple(m.string)
            for m in catalogue if m.id}


def test_the_catalogue_is_what_make_messages_extracts(french: Catalog,
                                                      extracted: dict[str, bool]) -> None:
    """A key used in the code and missing from the .po would show raw; an entry of the .po
    that no code uses any more would be dropped by the next ``make messages``."""
    entries = _entries(french)
    assert sorted(set(extracted) - set(entries)) == []
    assert sorted(set(entries) - set(extracted)) == []
    plural = {_key(m.id) for m in french if m.id and m.pluralizable}
    assert sorted(k for k, is_plural in extracted.items() if is_plural != (k in plural)) == []


def test_every_entry_is_translated_in_every_form(french: Catalog) -> None:
    assert french.num_plurals == 2
    untranslated = sorted(k for k, forms in _entries(french).items()
                          if len(forms) not in (1, 2) or not all(f.strip() for f in forms))
    assert untranslated == []
    assert not any(m.fuzzy for m in french if m.id)


def test_the_service_reads_what_the_catalogue_says(french: Catalog) -> None:
    """The compiled catalogue (or the .po compiled in memory) gives each entry's text."""
    for message in french:
        if not message.id:
            continue
        key = _key(message.id)
        if message.pluralizable:
            assert ngettext(key, 1) == message.string[0] and ngettext(key, 5) == message.string[1]
        else:
            assert gettext(key) == message.string


def test_no_message_hedges_its_plural(french: Catalog) -> None:
    """« contact(s) » reads badly: a message that counts has a plural entry, and both forms
    hold the count."""
    hedged = sorted(k for k, forms in _entries(french).items()
                    if any(re.search(r"\w\(s\)", form) for form in forms))
    assert hedged == []
    for key, counted in PLURALS.items():
        assert all(f"{{{counted}}}" in form for form in _entries(french)[key]), key


def test_keys_built_from_domain_values_exist(french: Catalog) -> None:
    assert sorted(k for k in built_keys() if k not in _entries(french)) == []


def test_staffing_remarks_use_the_same_figures_in_french() -> None:
    for code, english in REMARKS.items():
        french = gettext(f"planner.remark.{code}")
        assert {f[1] for f in Formatter().parse(french) if f[1]} == {
            f[1] for f in Formatter().parse(english) if f[1]}, code


def test_forecast_notes_use_the_same_figures_in_french() -> None:
    for code, english in NOTES.items():
        french = gettext(f"planner.note.{code}")
        assert {f[1] for f in Formatter().parse(french) if f[1]} == {
            f[1] for f in Formatter().parse(english) if f[1]}, code


def test_placeholders_are_filled_and_unknown_keys_show() -> None:
    _ = translator("fr")
    assert ngettext("wall.present_count", 3, n=3) == "3 connectés"
    # French plural forms: 0 and 1 are singular, counts may come formatted.
    assert ngettext("wall.present_count", 1, n=1) == "1 connecté"
    assert ngettext("wall.present_count", 0, n=0) == "0 connecté"
    assert ngettext("sites.trace_result", "1\u202f200", n="1\u202f200") == \
        "1\u202f200 collègues à prévenir"
    assert _("nav.agent") == "Poste agent"
    assert gettext("no.such.key") == "no.such.key"
    # A language with no catalogue falls back to French.
    assert gettext("nav.agent", locale="en") == "Poste agent"


def test_the_pages_listen_to_every_live_event_type() -> None:
    from renfort.services.events import EventType

    script = (WEB / "static" / "js" / "renfort.js").read_text(encoding="utf-8")
    listened = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', script.split("];")[0]))
    assert {str(t) for t in EventType} <= listened


def test_a_note_built_at_run_time_takes_the_form_its_count_asks() -> None:
    from renfort.planning.forecast import Note
    from renfort.web.planner_views import note

    assert note(Note("aht_default", {"queues": 1, "seconds": 300})).startswith("1 file sans")
    assert note(Note("aht_default", {"queues": 3, "seconds": 300})).startswith("3 files sans")

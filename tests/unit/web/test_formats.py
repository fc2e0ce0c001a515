"""French formats of the pages (Babel, fr_FR) and the labels that replace raw values."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from renfort.web import admin_cells
from renfort.web.templating import (
    label,
    language,
    long_date,
    number,
    paris_datetime,
    percent,
    plural,
    short_duration,
)

NBSP, NNBSP = "\u00a0", "\u202f"


def test_numbers_and_shares_are_written_the_french_way() -> None:
    assert percent(0.8) == f"80{NBSP}%"
    assert percent(0.0526, 1) == f"5,3{NBSP}%"
    assert number(12345.678, 1) == f"12{NNBSP}345,7"
    assert number(float("nan")) == "—" and percent(None) == "—"
    assert short_duration(86400.0) == "24 h" and short_duration(1800.0) == "30 min"


def test_dates_are_in_paris_time_and_french_words() -> None:
    moment = datetime(2020, 3, 17, 11, 0, tzinfo=UTC)
    assert paris_datetime(moment) == "17/03/2020 12:00"
    assert long_date(moment) == "mardi 17 mars 2020"


@given(st.integers(0, 10**7))
def test_plural_forms_follow_french_rules(n: int) -> None:
    text = plural(n, "contact", "contacts")
    assert text.endswith(" contact" if n in (0, 1) else " contacts")
    assert text.startswith(number(n))


def test_enum_values_and_references_get_their_french_names() -> None:
    assert label("with_waiver", "telework") == "Avec dérogation (mode dégradé)"
    assert label("banking", "sector") == "Banque"
    assert label("unheard-of", "sector") == "unheard-of"  # a gap shows, never hides
    assert language("en") == "anglais"
    known = {"clients": {"cl-banque-hermine": "Banque Hermine",
                         "banque-hermine": "Banque Hermine"},
             "queues": {"q-bank-cards": "Cartes"}, "skills": {"bank-cards": "Cartes"}}
    assert admin_cells.cell("sl_target", 0.8, known) == f"80{NBSP}%"
    assert admin_cells.cell("sl_seconds", 86400.0, known) == "24 h"
    assert admin_cells.cell("client", "banque-hermine", known) == "Banque Hermine"
    assert admin_cells.cell("queue_ids", ["q-bank-cards"], known) == "Cartes"
    assert admin_cells.cell("skills", {"bank-cards": 3}, known) == "Cartes (niveau 3)"
    assert admin_cells.cell("public", False, known) == "Non"
    assert admin_cells.cell("channels", ["voice", "chat"], known) == "Chat, Appel"

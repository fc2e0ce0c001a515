"""Seat plans from CSV: what is accepted, what is refused with its line."""

from __future__ import annotations

import pytest

from renfort.domain.errors import ValidationError
from renfort.sites.generate import KINDS, make_plan
from renfort.sites.layout import parse_seats_csv, seats_to_csv


def test_reads_comma_and_semicolon_csv_with_optional_equipment() -> None:
    plan = parse_seats_csv("seat_id,x,y,zone,equipment\nA1,0,0,nord,pmr;double-ecran\n"
                           "A2,1.5,0,nord,\n")
    assert [s.id for s in plan.seats] == ["A1", "A2"]
    assert plan.seats[0].equipment == {"pmr", "double-ecran"}
    french = parse_seats_csv("seat_id;x;y;zone\nB1;0,5;2,25;sud\n")
    assert (french.seats[0].x, french.seats[0].y) == (0.5, 2.25)


@pytest.mark.parametrize("text, message", [
    ("seat_id,x,zone\nA1,0,z\n", "lacks y"),
    ("seat_id,x,y,zone\nA1,zero,0,z\n", "line 2"),
    ("seat_id,x,y,zone\nA1,0,0,z\nA1,1,1,z\n", "twice"),
    ("seat_id,x,y,zone\nA1,0,0,\n", "zone"),
    ("seat_id,x,y,zone\nA 1,0,0,z\n", "seat id"),
    ("seat_id,x,y,zone\nA1,1e9,0,z\n", "metres"),
    ("seat_id,x,y,zone\n", "at least one seat"),
])
def test_refuses_bad_plans(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_seats_csv(text)


@pytest.mark.parametrize("kind", KINDS)
def test_generated_plans_have_the_size_asked_and_survive_csv(kind: str) -> None:
    plan = make_plan(kind, 137, seed=4)  # type: ignore[arg-type]
    assert len(plan) == 137
    assert parse_seats_csv(seats_to_csv(plan.seats)) == plan
    assert make_plan(kind, 137, seed=4) == plan  # type: ignore[arg-type]

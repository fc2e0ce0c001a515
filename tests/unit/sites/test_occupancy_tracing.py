"""Check-in rules, live occupancy and exposure tracing, on plain values."""

from __future__ import annotations

import pytest

from renfort.domain.errors import ConflictError, NotFoundError
from renfort.sites.occupancy import (
    PlannedShift,
    Stay,
    check_in_allowed,
    occupancy,
    shifts_over,
)
from renfort.sites.tracing import exposed_colleagues

SEATS = {"A", "B", "C", "D"}
USABLE = {"A", "C", "D"}


def _check(seat: str, agent: str = "x", stays: tuple[Stay, ...] = (),
           last: float | None = None, now: float = 10_000.0, capacity: int = 3) -> None:
    check_in_allowed(seat_id=seat, agent_id=agent, seats=SEATS, usable=USABLE,
                     open_stays=stays, last_checkout=last, cleaning_seconds=1800,
                     capacity=capacity, now=now)


@pytest.mark.parametrize("seat, stays, last, capacity, reason", [
    ("B", (), None, 3, "blocked"),
    ("A", (Stay("x", "C", 0.0),), None, 3, "already-in"),
    ("A", (Stay("y", "A", 0.0),), None, 3, "taken"),
    ("A", (), 9_000.0, 3, "cleaning"),
    ("A", (Stay("y", "C", 0.0),), None, 1, "full"),
])
def test_refusals_say_why(seat: str, stays: tuple[Stay, ...], last: float | None,
                          capacity: int, reason: str) -> None:
    with pytest.raises(ConflictError) as refused:
        _check(seat, stays=stays, last=last, capacity=capacity)
    assert refused.value.details["reason"] == reason


def test_unknown_seat_is_not_found_and_a_cleaned_seat_is_fine() -> None:
    with pytest.raises(NotFoundError):
        _check("Z")
    _check("A", last=10_000.0 - 1800)


def test_occupancy_alerts_after_a_tighter_rule() -> None:
    live = occupancy(1, {"A"}, [Stay("x", "A", 0.0), Stay("y", "C", 0.0)])
    assert live.over_capacity and live.alert and live.not_usable == ("C",)
    assert not occupancy(2, {"A", "C"}, [Stay("x", "A", 0.0)]).alert


def test_shifts_over_capacity() -> None:
    shifts = [PlannedShift("late", 200.0, 300.0, 12), PlannedShift("early", 0.0, 100.0, 9),
              PlannedShift("ok", 100.0, 200.0, 5)]
    assert [s.id for s in shifts_over(shifts, 8)] == ["early", "late"]


POSITIONS = {"A": (0.0, 0.0), "B": (1.5, 0.0), "C": (3.0, 0.0), "D": (0.0, 1.8)}


def test_tracing_lists_close_colleagues_on_overlapping_stays_only() -> None:
    stays = [
        Stay("sick", "A", 1000.0, 5000.0),
        Stay("near", "B", 4000.0, 9000.0),       # 1.5 m, overlaps 1000 s
        Stay("far", "C", 1000.0, 5000.0),        # 3 m: too far
        Stay("later", "D", 6000.0, 7000.0),      # close but after the index stay
        Stay("behind", "D", 0.0, None),          # 1.8 m, still seated
        Stay("old", "B", -90_000.0, -80_000.0),  # before the window
    ]
    found = exposed_colleagues("sick", stays, POSITIONS, distance=2.0, since=0.0,
                               until=10_000.0)
    assert [(c.agent_id, c.closest_metres, c.overlap_seconds) for c in found] == [
        ("near", 1.5, 1000.0), ("behind", 1.8, 4000.0)]
    assert exposed_colleagues("nobody", stays, POSITIONS, distance=2.0, since=0.0,
                              until=10_000.0) == []

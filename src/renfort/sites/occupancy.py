"""Occupancy: who sits where now, against the site's capacity and its cleaning interval.

An agent checks in on one seat of the usable set and checks out later (a **stay**). The
rules, checked in this order so that the first refusal is the most useful one:

1. the seat exists in the site's plan and is usable under the distancing rule;
2. the agent is not already checked in (on any site);
3. nobody sits on the seat now;
4. the seat has been cleaned: at least the cleaning interval since its last check-out;
5. the site is below its capacity.

Occupancy can still exceed capacity after the rule changes (a tighter rule with people
seated); :func:`occupancy` then reports it, with the seats no longer usable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from renfort.domain.errors import ConflictError, NotFoundError, ValidationError

MAX_CLEANING_MINUTES = 24 * 60.0


@dataclass(frozen=True, slots=True)
class Stay:
    """An agent on a seat from ``start`` to ``end`` (POSIX seconds; ``None``: still there)."""

    agent_id: str
    seat_id: str
    start: float
    end: float | None = None

    def overlaps(self, start: float, end: float) -> bool:
        """Whether the stay shares some time with ``[start, end)``."""
        return self.start < end and (self.end is None or self.end > start)


@dataclass(frozen=True, slots=True)
class Occupancy:
    """Live occupancy of a site."""

    capacity: int
    occupied: int
    seats: tuple[str, ...]
    """Occupied seats, sorted."""
    not_usable: tuple[str, ...]
    """Occupied seats outside the current usable set (the rule changed since)."""

    @property
    def over_capacity(self) -> bool:
        return self.occupied > self.capacity

    @property
    def alert(self) -> bool:
        """True when the site breaks its distancing: over capacity or on blocked seats."""
        return self.over_capacity or bool(self.not_usable)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.occupied)


def check_cleaning_minutes(minutes: float) -> float:
    if not 0 <= minutes <= MAX_CLEANING_MINUTES:
        raise ValidationError("cleaning interval: 0 to 1440 minutes",
                              {"field": "cleaning_minutes"}, reason="cleaning-range")
    return minutes


def check_in_allowed(*, seat_id: str, agent_id: str, seats: Collection[str],
                     usable: Collection[str], open_stays: Iterable[Stay],
                     last_checkout: float | None, cleaning_seconds: float, capacity: int,
                     now: float) -> None:
    """Raise the first rule the check-in breaks (see the module docstring); else return.

    *open_stays*: every stay without an end **on any site** for the agent, and on this site
    for the seats and the count.
    """
    if seat_id not in seats:
        raise NotFoundError(f"no seat {seat_id!r} on this site's plan", {"seat": seat_id},
                            reason="seat-unknown")
    if seat_id not in usable:
        raise ConflictError(f"seat {seat_id} is blocked by the distancing rule",
                            {"seat": seat_id, "reason": "blocked"}, reason="seat-blocked")
    stays = list(open_stays)
    if any(s.agent_id == agent_id for s in stays):
        raise ConflictError("the agent is already checked in; check out first",
                            {"agent": agent_id, "reason": "already-in"},
                            reason="already-checked-in")
    if any(s.seat_id == seat_id for s in stays):
        raise ConflictError(f"seat {seat_id} is taken", {"seat": seat_id, "reason": "taken"},
                            reason="seat-taken")
    if last_checkout is not None and now < last_checkout + cleaning_seconds:
        raise ConflictError(
            f"seat {seat_id} is waiting for cleaning", {
                "seat": seat_id, "reason": "cleaning",
                "ready_at": last_checkout + cleaning_seconds}, reason="seat-cleaning")
    if sum(1 for s in stays if s.seat_id in seats) >= capacity:
        raise ConflictError("the site is at its distancing capacity",
                            {"capacity": capacity, "reason": "full"}, reason="site-full")


def occupancy(capacity: int, usable: Collection[str], open_stays: Iterable[Stay]) -> Occupancy:
    seats = sorted(s.seat_id for s in open_stays)
    usable_set = set(usable)
    return Occupancy(capacity, len(seats), tuple(seats),
                     tuple(s for s in seats if s not in usable_set))


def seat_ready_at(last_checkouts: Mapping[str, float], cleaning_seconds: float,
                  now: float) -> dict[str, float]:
    """Seats still waiting for cleaning at ``now`` → the instant they are ready."""
    return {seat: at + cleaning_seconds for seat, at in sorted(last_checkouts.items())
            if now < at + cleaning_seconds}


@dataclass(frozen=True, slots=True)
class PlannedShift:
    """Headcount planned on a site for one shift (a schedule line)."""

    id: str
    start: float
    end: float
    planned: int


def shifts_over(shifts: Iterable[PlannedShift], capacity: int) -> list[PlannedShift]:
    """The shifts that plan more people on site than the capacity, in start order."""
    return sorted((s for s in shifts if s.planned > capacity), key=lambda s: (s.start, s.id))

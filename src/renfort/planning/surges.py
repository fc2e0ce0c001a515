"""Announcement surges: a multiplier on the baseline that decays over open hours, and the
factor learned from the surges the history shows.

An event multiplies the calls of the slots starting at or after ``at`` by
``1 + (factor - 1) × 0.5 ** (h / decay_hours)``, where ``h`` counts the hours the line has
been open since ``at``: an address at 20:00 to a line shut at night is felt in full when it
opens the next morning, and fades while it answers.

Learning: for each past event, the calls of the slots after it are compared with what the
model expected without it (the level known at the start of the event's day); the factor is
the least-squares fit of ``calls / expected - 1`` to the decay curve, the decay the best of
a grid of half-lives when not given. Several events of a kind are fitted together.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from renfort.planning.calendar import OpenPattern

DEFAULT_DECAY_HOURS = 8.0
"""Half-life of an event given a factor but no decay, and nothing learned."""
LEARNING_WINDOW_HOURS = 48.0
"""Open hours after a past event of unknown decay kept out of the baseline and fitted."""
DECAY_GRID = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 36.0, 48.0)
NEGLIGIBLE = 1e-3


@dataclass(frozen=True)
class LearnedSurge:
    """What the history says an event of ``kind`` does."""

    kind: str
    factor: float
    decay_hours: float
    events: int
    slots: int
    """Slots the fit used."""


class OpenClock:
    """Open hours elapsed between instants, for one queue (local wall-clock times)."""

    def __init__(self, pattern: OpenPattern, holidays: dict[date, str], first: date,
                 last: date, minutes: int) -> None:
        self.minutes = minutes
        starts: list[datetime] = []
        day = first
        while day <= last:
            if pattern.day_open(day, holidays):
                midnight = datetime(day.year, day.month, day.day)
                starts.extend(midnight + timedelta(minutes=minutes * int(s))
                              for s in np.flatnonzero(pattern.slots[day.weekday()]))
            day += timedelta(days=1)
        self.starts = starts

    def hours_since(self, at: datetime, slot: datetime) -> float:
        """Open hours from *at* to the start of *slot* (negative: *slot* starts before)."""
        if slot < at:
            return -1.0
        return (bisect_left(self.starts, slot) - bisect_left(self.starts, at)) \
            * self.minutes / 60.0


def multiplier(factor: float, decay_hours: float, hours: float) -> float:
    """The event's multiplier *hours* open hours after it (1 before it)."""
    if hours < 0:
        return 1.0
    fade = 0.5 ** (hours / decay_hours)
    return 1.0 if fade < NEGLIGIBLE else 1.0 + (factor - 1.0) * fade


def window_hours(decay_hours: float | None) -> float:
    """Open hours after a past event during which the days are kept out of the baseline."""
    return LEARNING_WINDOW_HOURS if decay_hours is None else 3.0 * decay_hours


def learn(kind: str, samples: Sequence[tuple[NDArray[np.float64], NDArray[np.float64],
                                             NDArray[np.float64]]],
          decay_hours: float | None, events: int) -> LearnedSurge | None:
    """Fit factor (and decay unless given) to ``(calls, expected, hours)`` samples."""
    if not samples:
        return None
    calls = np.concatenate([s[0] for s in samples])
    expected = np.concatenate([s[1] for s in samples])
    hours = np.concatenate([s[2] for s in samples])
    keep = expected > 0
    calls, expected, hours = calls[keep], expected[keep], hours[keep]
    if calls.size == 0:
        return None
    best: tuple[float, float, float] | None = None
    for decay in (decay_hours,) if decay_hours is not None else DECAY_GRID:
        fade = 0.5 ** (hours / decay)
        design = expected * fade
        denominator = float((design**2).sum())
        if denominator <= 0:
            continue
        excess = float(((calls - expected) * design).sum() / denominator)
        factor = float(np.clip(1.0 + excess, 0.2, 50.0))
        error = float(((calls - expected * (1.0 + (factor - 1.0) * fade)) ** 2).sum())
        if best is None or error < best[0]:
            best = (error, factor, decay)
    if best is None:
        return None
    return LearnedSurge(kind, round(best[1], 3), best[2], events, int(calls.size))

"""When a line is open, and the calendar effects its volume follows.

Opening hours are learned from the history (an interval with no row is closed): a slot of
a weekday is open when it had a row on at least half of the last
:data:`OPEN_LOOKBACK` such weekdays, so hours opened or closed two weeks ago are already
followed. Public holidays come from the ``holidays`` package for a configurable country
(and subdivision); whether the line shuts on them is learned from the holidays the
history covers (no holiday in the history: open).

Calendar effects are the day features the daily level is regressed on: the first three
and the last open day of a month (payments, statements), the first two open days after a
public holiday (calls put off), and an open holiday itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from renfort.domain.errors import ValidationError

OPEN_LOOKBACK = 4
"""Weeks of history that decide whether a weekday's slot is open."""
FEATURES = ("month_first", "month_second", "month_third", "month_last",
            "after_holiday", "after_holiday_2", "holiday")


def public_holidays(country: str | None, subdivision: str | None,
                    years: Iterable[int]) -> dict[date, str]:
    """Public holidays of *country* (ISO 3166 code, e.g. ``FR``, ``US``) by date;
    ``None`` or ``"none"``: no holiday at all."""
    if country is None or country.lower() == "none":
        if subdivision:
            raise ValidationError("a subdivision needs a country", {"field": "subdivision"},
                                  reason="subdivision-country")
        return {}
    import holidays  # a large table of countries: loaded only when a forecast needs it

    try:
        table = holidays.country_holidays(country.upper(), subdiv=subdivision,
                                          years=sorted(set(years)))
    except NotImplementedError:
        what = (f"subdivision {subdivision!r} of {country.upper()}" if subdivision
                else f"country {country!r}")
        raise ValidationError(f"no public holidays known for {what} (an ISO 3166 code such "
                              "as FR, US, BE; or none)", {"field": "country"},
                              reason="holidays-unknown") from None
    return {day: str(name) for day, name in table.items()}


@dataclass(frozen=True)
class OpenPattern:
    """Which slots of each weekday the line is open, and whether it shuts on holidays."""

    slots: NDArray[np.bool_]
    """``slots[weekday, slot]``, Monday = 0."""
    closed_on_holidays: bool
    holidays_seen: int
    """Holidays on an open weekday the history covers (the evidence for the rule)."""

    def day_open(self, day: date, holidays: dict[date, str]) -> bool:
        if not self.slots[day.weekday()].any():
            return False
        return not (self.closed_on_holidays and day in holidays)


def learn_open_pattern(first: date, present: NDArray[np.bool_], volume: NDArray[np.float64],
                       holidays: dict[date, str]) -> OpenPattern:
    """Opening hours from the rows present (``present[day, slot]`` from day *first*)."""
    days, n_slots = present.shape
    slots = np.zeros((7, n_slots), dtype=bool)
    for weekday in range(7):
        rows = [d for d in range(days - 1, -1, -1)
                if (first + timedelta(days=d)).weekday() == weekday
                and (first + timedelta(days=d)) not in holidays][:OPEN_LOOKBACK]
        if rows:
            slots[weekday] = present[rows].mean(axis=0) >= 0.5
    closed = opened = 0
    for d in range(days):
        day = first + timedelta(days=d)
        if day in holidays and slots[day.weekday()].any():
            if present[d].any() and float(np.nansum(volume[d])) > 0:
                opened += 1
            else:
                closed += 1
    return OpenPattern(slots, closed > opened, closed + opened)


def open_days(pattern: OpenPattern, holidays: dict[date, str], start: date,
              end: date) -> list[date]:
    """The days in ``[start, end]`` the line opens."""
    out = []
    day = start
    while day <= end:
        if pattern.day_open(day, holidays):
            out.append(day)
        day += timedelta(days=1)
    return out


def calendar_features(days: Sequence[date], opened: Sequence[date],
                      holidays: dict[date, str]) -> NDArray[np.float64]:
    """``features[i, k]``: feature :data:`FEATURES` ``[k]`` of ``days[i]``, given every open
    day ``opened`` (sorted, covering whole months around *days*)."""
    position = {day: i for i, day in enumerate(opened)}
    by_month: dict[tuple[int, int], list[date]] = {}
    for day in opened:
        by_month.setdefault((day.year, day.month), []).append(day)
    out = np.zeros((len(days), len(FEATURES)))

    def after_holiday(i: int) -> bool:
        if i <= 0:
            return False
        previous, day = opened[i - 1], opened[i]
        return any(previous + timedelta(days=k) in holidays
                   for k in range((day - previous).days))

    for row, day in enumerate(days):
        i = position.get(day)
        if i is None:
            continue
        month = by_month[(day.year, day.month)]
        k = month.index(day)
        out[row] = (k == 0, k == 1, k == 2, k == len(month) - 1,
                    after_holiday(i), after_holiday(i - 1) and not after_holiday(i),
                    day in holidays)
    return out

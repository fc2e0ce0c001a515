"""A demo call history of the public hotline, to try the planning chain on.

Eight weeks of half-hours up to the day before ``today``, 08:00–20:00 Paris time every day
(the numéro vert is open on weekends and holidays), for the hotline's three main French
queues: a weekday pattern (Monday highest, Sunday lowest), an intraday curve, a slow
decline as the crisis settles, French public holidays lower, and two labelled
announcements (an address to the nation at 20:00) that triple the next morning's calls
before fading. Handle times and patience per interval. Deterministic for a given ``today``.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, time, timedelta

import numpy as np

from renfort.domain.clock import PARIS

QUEUES = (("hotline-general", 260.0, 300.0, 170.0), ("hotline-travel", 120.0, 240.0, 150.0),
          ("hotline-business", 45.0, 420.0, 240.0))
"""(queue, calls per half-hour at a Monday's peak, handle time s, patience s)."""
WEEKDAY = (1.15, 1.0, 0.97, 0.97, 0.95, 0.62, 0.45)
CURVE = (0.45, 0.7, 0.9, 1.0, 1.0, 0.95, 0.9, 0.85, 0.75, 0.8, 0.9, 0.95, 0.95, 0.9, 0.85,
         0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4)
"""Relative calls per half-hour from 08:00 to 20:00."""
WEEKS = 8
ANNOUNCEMENT = "allocution"


def announcements(today: date) -> list[datetime]:
    """The two past addresses to the nation the history carries (20:00, Paris)."""
    return [datetime.combine(today - timedelta(days=d), time(20, 0), tzinfo=PARIS)
            for d in (38, 17)]


def demo_history(today: date, seed: int = 2020) -> str:
    """The history CSV (see the module docstring)."""
    import holidays  # the demo's French holidays; loaded only when asked for

    rng = np.random.default_rng(seed)
    first = today - timedelta(days=7 * WEEKS)
    french = holidays.country_holidays("FR", years=range(first.year, today.year + 1))
    events = announcements(today)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["queue", "interval_start", "interval_minutes", "volume", "aht_seconds",
                     "patience_seconds", "event"])
    for queue, peak, aht, patience in QUEUES:
        day = first
        while day < today:
            trend = 1.25 - 0.25 * (day - first).days / (7 * WEEKS)
            level = peak * WEEKDAY[day.weekday()] * trend * (0.8 if day in french else 1.0)
            level *= math.exp(rng.normal(0.0, 0.05))
            for k, shape in enumerate(CURVE):
                start = datetime.combine(day, time(8, 0), tzinfo=PARIS) + timedelta(minutes=30 * k)
                surge = 1.0
                open_hours = 0.0
                for at in events:
                    if start >= at:
                        open_hours = _open_hours(at, start)
                        surge *= 1.0 + 2.0 * 0.5 ** (open_hours / 6.0)
                mean = level * shape * surge
                volume = int(rng.poisson(mean))
                label = ANNOUNCEMENT if any(start == at - timedelta(minutes=30)
                                            for at in events) else ""
                writer.writerow([queue, start.isoformat(), 30, volume,
                                 round(aht * rng.uniform(0.95, 1.05)),
                                 round(patience * rng.uniform(0.9, 1.1)), label])
            day += timedelta(days=1)
    return buffer.getvalue()


def _open_hours(at: datetime, start: datetime) -> float:
    """Hours the line (08:00–20:00) was open between *at* and *start*."""
    hours = 0.0
    moment = at
    step = timedelta(minutes=30)
    while moment < start:
        local = moment.astimezone(PARIS)
        if 8 <= local.hour < 20:
            hours += 0.5
        moment += step
    return hours

"""Synthetic histories for the planning tests: known levels, weekdays and curves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone

import numpy as np

PARIS_WINTER = timezone(timedelta(hours=1))
CURVE = (0.5, 0.8, 1.0, 1.1, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
"""Relative calls of the sixteen half-hours from 09:00 to 17:00."""


def history_csv(first: date, days: int, *, queues: Sequence[str] = ("hotline",),
                level: float = 100.0, weekdays: Sequence[float] = (1.2, 1, 1, 1, 1, 0, 0),
                noise: float = 0.0, seed: int = 1, closed: Sequence[date] = (),
                factor: Callable[[date], float] = lambda _: 1.0, minutes: int = 30,
                aht: float | None = 300.0, events: dict[datetime, str] | None = None,
                surge: Callable[[datetime], float] = lambda _: 1.0,
                zone: timezone = PARIS_WINTER) -> str:
    """A history CSV: ``level`` calls per half-hour at the curve's 1.0 on a weekday of
    factor 1; weekdays of factor 0 and the *closed* days have no rows."""
    rng = np.random.default_rng(seed)
    header = "queue,interval_start,interval_minutes,volume" + (",aht_seconds" if aht else "")
    if events is not None:
        header += ",event"
    lines = [header]
    per_slot = 30 // minutes
    for queue in queues:
        for d in range(days):
            day = first + timedelta(days=d)
            weight = weekdays[day.weekday()]
            if weight == 0 or day in closed:
                continue
            for k, shape in enumerate(CURVE):
                for j in range(per_slot):
                    start = datetime.combine(day, time(9, 0), tzinfo=zone) + timedelta(
                        minutes=30 * k + minutes * j)
                    mean = level * weight * shape * factor(day) * surge(start) / per_slot
                    volume = mean * float(np.exp(rng.normal(0.0, noise))) if noise else mean
                    cells = [queue, start.isoformat(), str(minutes), f"{volume:.3f}"]
                    if aht:
                        cells.append(f"{aht:g}")
                    if events is not None:
                        cells.append(events.get(start, ""))
                    lines.append(",".join(cells))
    return "\n".join(lines) + "\n"

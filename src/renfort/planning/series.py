"""History rows laid out per queue as a day × slot grid of the line's local time.

A queue's history becomes ``volume[day, slot]`` from its first day to its last, ``NaN``
where no row was given (the line was closed, or the data is missing). Rows shorter than
the grid's interval are summed into it (5-minute counts into 30-minute slots); longer
ones cannot be split and are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np
from numpy.typing import NDArray

from renfort.domain.errors import ValidationError
from renfort.planning.history import HistoryRow


@dataclass(frozen=True)
class QueueSeries:
    """One queue's history on the grid: volumes, and handle times and patience weighted by
    volume (sums, to average over any window)."""

    queue: str
    first: date
    minutes: int
    volume: NDArray[np.float64]
    """``volume[day, slot]``; NaN where no row."""
    aht_volume: NDArray[np.float64]
    """Σ aht × volume over the rows that gave an ``aht_seconds``."""
    aht_weight: NDArray[np.float64]
    patience_volume: NDArray[np.float64]
    patience_weight: NDArray[np.float64]
    offset: timedelta
    """UTC offset of the last row, for writing a forecast when no time zone is given."""

    @property
    def days(self) -> int:
        return int(self.volume.shape[0])

    @property
    def slots(self) -> int:
        return int(self.volume.shape[1])

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    @property
    def data_end(self) -> datetime:
        """Local end of the last interval with a row (the history's last instant)."""
        seen = np.argwhere(~np.isnan(self.volume))
        if seen.size == 0:
            return datetime.combine(self.first, time())
        d, s = (int(v) for v in seen[-1])
        return datetime.combine(self.day(d), time()) + timedelta(minutes=self.minutes * (s + 1))

    def day(self, index: int) -> date:
        return self.first + timedelta(days=index)

    def until(self, end: date) -> QueueSeries:
        """The history strictly before *end* (a backtest origin)."""
        keep = max(0, min(self.days, (end - self.first).days))
        return replace(self, volume=self.volume[:keep], aht_volume=self.aht_volume[:keep],
                       aht_weight=self.aht_weight[:keep],
                       patience_volume=self.patience_volume[:keep],
                       patience_weight=self.patience_weight[:keep])


def local_time(instant: datetime, zone: tzinfo | None) -> datetime:
    """The wall clock of *instant* in *zone*, or as written when *zone* is ``None``."""
    return (instant.astimezone(zone) if zone is not None else instant).replace(tzinfo=None)


def grid_minutes(rows: Sequence[HistoryRow], wanted: int | None) -> int:
    """The forecast's interval: *wanted*, or the history's longest interval."""
    longest = max(r.minutes for r in rows)
    minutes = wanted if wanted is not None else longest
    if not 1 <= minutes <= 1440 or 1440 % minutes:
        raise ValidationError(f"interval_minutes: {minutes} does not divide a day",
                              {"field": "interval_minutes"},
                              reason="interval-divides-day", values={"minutes": minutes})
    bad = next((r for r in rows if minutes % r.minutes), None)
    if bad is not None:
        raise ValidationError(
            f"line {bad.line}: {bad.minutes}-minute intervals cannot be summed into "
            f"{minutes}-minute ones (choose a multiple of {bad.minutes})",
            {"line": bad.line, "column": "interval_minutes"},
            reason="intervals-not-summable", values={"minutes": bad.minutes})
    return minutes


def build_series(rows: Sequence[HistoryRow], minutes: int,
                 zone: tzinfo | None) -> list[QueueSeries]:
    """One grid per queue, queues in order of first appearance."""
    by_queue: dict[str, list[HistoryRow]] = {}
    for row in rows:
        by_queue.setdefault(row.queue, []).append(row)
    return [_series(queue, queue_rows, minutes, zone) for queue, queue_rows in by_queue.items()]


def _series(queue: str, rows: list[HistoryRow], minutes: int,
            zone: tzinfo | None) -> QueueSeries:
    local = [local_time(r.start, zone) for r in rows]
    first = min(t.date() for t in local)
    last = max(t.date() for t in local)
    days = (last - first).days + 1
    if days > 3 * 366:
        raise ValidationError(f"queue {queue!r}: the history spans more than three years; "
                              "keep the last ones", {"column": "interval_start"},
                              reason="history-too-long", values={"queue": queue})
    slots = 1440 // minutes
    shape = (days, slots)
    volume = np.zeros(shape)
    present = np.zeros(shape, dtype=bool)
    aht_v, aht_w = np.zeros(shape), np.zeros(shape)
    pat_v, pat_w = np.zeros(shape), np.zeros(shape)
    for row, t in zip(rows, local, strict=True):
        d = (t.date() - first).days
        s = (t.hour * 60 + t.minute) // minutes
        volume[d, s] += row.volume
        present[d, s] = True
        if row.aht_seconds is not None:
            aht_v[d, s] += row.aht_seconds * max(row.volume, 1e-9)
            aht_w[d, s] += max(row.volume, 1e-9)
        if row.patience_seconds is not None:
            pat_v[d, s] += row.patience_seconds * max(row.volume, 1e-9)
            pat_w[d, s] += max(row.volume, 1e-9)
    volume[~present] = np.nan
    latest = max(rows, key=lambda r: r.start)
    offset = latest.start.utcoffset() if zone is None else timedelta(0)
    return QueueSeries(queue, first, minutes, volume, aht_v, aht_w, pat_v, pat_w,
                       offset or timedelta(0))

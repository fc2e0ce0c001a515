"""The history a forecast learns from, and the announcement events laid over it.

**History** (CSV): ``queue, interval_start, interval_minutes, volume`` and, optionally,
``aht_seconds``, ``patience_seconds`` and ``event``. ``interval_start`` is ISO 8601 with
its UTC offset; the wall clock as written is the line's local time (write the offsets of
the place, e.g. ``+01:00``/``+02:00`` in France, or give the forecast a time zone). An
interval with no row is an interval the line was closed: write ``volume`` 0 for an open
interval without calls. ``event`` labels a past announcement (its kind, e.g.
``allocution``) at the start of that interval, to learn the surge it caused.

**Events** (CSV): ``at, kind`` and, optionally, ``factor``, ``decay_hours`` and ``queue``.
An event multiplies the volume from ``at`` on by ``factor``; the excess halves every
``decay_hours`` hours *the line is open* (an address at 20:00 to a line shut at night is
felt in full the next morning). Without a factor, the factor (and, without
``decay_hours``, the decay) is learned from the past events of the same kind in the
history. Without ``queue`` the event concerns every queue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from renfort.planning.tables import read_table

HISTORY_REQUIRED = ("queue", "interval_start", "interval_minutes", "volume")
HISTORY_OPTIONAL = ("aht_seconds", "patience_seconds", "event")
EVENT_REQUIRED = ("at", "kind")
EVENT_OPTIONAL = ("factor", "decay_hours", "queue")
MAX_FACTOR = 50.0
_KIND = re.compile(r"^[\w][\w .'-]{0,62}$")


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """Calls of one queue in one past interval."""

    line: int
    queue: str
    start: datetime
    """Start of the interval, with the offset it was written with."""
    minutes: int
    volume: float
    aht_seconds: float | None = None
    patience_seconds: float | None = None
    event: str | None = None


@dataclass(frozen=True, slots=True)
class SurgeEvent:
    """An announcement that multiplies the calls from ``at`` on, decaying."""

    at: datetime
    kind: str
    factor: float | None = None
    """``None``: learned from past events of the same kind."""
    decay_hours: float | None = None
    """Half-life of the excess, in hours the line is open; ``None``: learned, or 6 h."""
    queue: str | None = None
    """``None``: every queue."""
    line: int = 0


def parse_history_csv(text: str) -> list[HistoryRow]:
    """Rows of a history CSV, checked (see the module docstring)."""
    rows: list[HistoryRow] = []
    seen: dict[tuple[str, datetime], int] = {}
    for rec in read_table(text, required=HISTORY_REQUIRED, optional=HISTORY_OPTIONAL,
                          what="history"):
        queue = rec.text("queue")
        if queue is None:
            raise rec.bad("queue", "missing queue name")
        start = rec.instant("interval_start")
        minutes = rec.required_number("interval_minutes")
        if minutes != int(minutes) or not 1 <= minutes <= 1440 or 1440 % minutes:
            raise rec.bad("interval_minutes",
                          f"{minutes:g} does not divide a day into whole intervals")
        volume = rec.required_number("volume")
        if volume < 0:
            raise rec.bad("volume", f"{volume:g} calls: a volume cannot be negative")
        aht = rec.number("aht_seconds")
        if aht is not None and aht <= 0:
            raise rec.bad("aht_seconds", f"{aht:g} s: the handling time must be positive")
        patience = rec.number("patience_seconds")
        if patience is not None and patience <= 0:
            raise rec.bad("patience_seconds", f"{patience:g} s: the patience must be positive")
        event = rec.text("event")
        if event is not None and not _KIND.match(event):
            raise rec.bad("event", f"{event!r} is not an event kind (letters, digits, -)")
        key = (queue, start)
        if key in seen:
            raise rec.bad("interval_start",
                          f"queue {queue!r} already has this interval on line {seen[key]}")
        seen[key] = rec.line
        rows.append(HistoryRow(rec.line, queue, start, int(minutes), volume, aht, patience,
                               event))
    return rows


def parse_events_csv(text: str) -> list[SurgeEvent]:
    """Events of an events CSV, checked (see the module docstring)."""
    events = []
    for rec in read_table(text, required=EVENT_REQUIRED, optional=EVENT_OPTIONAL,
                          what="events file"):
        at = rec.instant("at")
        kind = rec.text("kind")
        if kind is None or not _KIND.match(kind):
            raise rec.bad("kind", "an event needs a kind (letters, digits, -)")
        factor = rec.number("factor")
        if factor is not None and not 0 < factor <= MAX_FACTOR:
            raise rec.bad("factor", f"{factor:g}: a factor lies in ]0, {MAX_FACTOR:g}]")
        decay = rec.number("decay_hours")
        if decay is not None and not 0 < decay <= 24 * 30:
            raise rec.bad("decay_hours", f"{decay:g}: a half-life lies in ]0, 720] hours")
        events.append(SurgeEvent(at, kind, factor, decay, rec.text("queue"), rec.line))
    return events


def labelled_events(rows: Sequence[HistoryRow]) -> list[SurgeEvent]:
    """The past events the history labels in its ``event`` column."""
    return [SurgeEvent(r.start, r.event, queue=r.queue, line=r.line)
            for r in rows if r.event is not None]

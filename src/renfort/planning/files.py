"""The CSV files the planning chain hands from one step to the next, written and read.

* **forecast** (``plan forecast``): ``queue, interval_start, interval_minutes, volume,
  aht_seconds, patience_seconds, volume_low, volume_high`` — what ``plan staffing
  --forecast`` reads, plus the 80 % interval;
* **shifts** (``plan schedule``): ``shift, template, pool, queues, location, start, end,
  breaks`` — one agent per line; ``queues`` separated by ``|``; ``breaks`` as
  ``HH:MM/minutes`` separated by ``;`` (local time of the shift's offset);
* **coverage** (``plan schedule``): ``queue, interval_start, interval_minutes, required,
  scheduled, on_site, at_home, shortfall``;
* **seats** (``plan schedule``): ``site, interval_start, interval_minutes, heads, seats``.

Times are ISO 8601 with their offset, in the line's (or the rules') time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from renfort.domain.errors import ValidationError
from renfort.planning.forecast import Forecast, ForecastCell
from renfort.planning.schedule import Requirement, Schedule, Shift
from renfort.planning.tables import format_number, read_table

FORECAST_COLUMNS = ("queue", "interval_start", "interval_minutes", "volume", "aht_seconds",
                    "patience_seconds", "volume_low", "volume_high")
SHIFT_COLUMNS = ("shift", "template", "pool", "queues", "location", "start", "end", "breaks")
COVERAGE_COLUMNS = ("queue", "interval_start", "interval_minutes", "required", "scheduled",
                    "on_site", "at_home", "shortfall")
SEAT_COLUMNS = ("site", "interval_start", "interval_minutes", "heads", "seats")
REQUIREMENT_COLUMNS = ("agents", "scheduled_heads")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def forecast_csv(forecast: Forecast) -> str:
    return _table(FORECAST_COLUMNS, (
        (c.queue, _instant(c.start), c.minutes, format_number(round(c.volume, 2)),
         format_number(round(c.aht_seconds, 1)), format_number(round(c.patience_seconds, 1)),
         format_number(round(c.volume_low, 2)), format_number(round(c.volume_high, 2)))
        for c in forecast.cells))


def shifts_csv(result: Schedule) -> str:
    zone = ZoneInfo(result.time_zone)
    rows = []
    for s in result.shifts:
        breaks = ";".join(f"{b.astimezone(zone):%H:%M}/{minutes}" for b, minutes in s.breaks)
        rows.append((s.id, s.template, s.pool, "|".join(s.queues), s.location,
                     _instant(s.start.astimezone(zone)), _instant(s.end.astimezone(zone)),
                     breaks))
    return _table(SHIFT_COLUMNS, rows)


def coverage_csv(result: Schedule) -> str:
    zone = ZoneInfo(result.time_zone)
    return _table(COVERAGE_COLUMNS, (
        (c.queue, _instant(c.start.astimezone(zone)), c.minutes, c.required, c.scheduled,
         c.on_site, c.at_home, c.shortfall) for c in result.coverage))


def seats_csv(result: Schedule) -> str:
    zone = ZoneInfo(result.time_zone)
    return _table(SEAT_COLUMNS, ((u.site, _instant(u.start.astimezone(zone)), u.minutes,
                                  u.heads, u.seats) for u in result.seats))


def parse_forecast_cells(text: str) -> list[ForecastCell]:
    """The intervals of a forecast (or of a staffing plan, whose other columns are
    ignored); handle time and patience are required."""
    cells: list[ForecastCell] = []
    seen: dict[tuple[str, datetime], int] = {}
    for rec in read_table(text, required=("queue", "interval_start", "interval_minutes",
                                          "volume", "aht_seconds"),
                          optional=("patience_seconds",), what="forecast", others=True):
        queue = rec.text("queue")
        if queue is None:
            raise rec.bad("queue", "missing queue name")
        start = rec.instant("interval_start")
        minutes = rec.required_number("interval_minutes")
        if minutes != int(minutes) or not 1 <= minutes <= 1440:
            raise rec.bad("interval_minutes", f"{minutes:g} is not a whole number of minutes")
        volume = rec.required_number("volume")
        if volume < 0:
            raise rec.bad("volume", "a volume cannot be negative")
        aht = rec.required_number("aht_seconds")
        if aht <= 0:
            raise rec.bad("aht_seconds", "the handling time must be positive")
        patience = rec.number("patience_seconds")
        if patience is not None and patience <= 0:
            raise rec.bad("patience_seconds", "the patience must be positive")
        if (queue, start) in seen:
            raise rec.bad("interval_start", f"queue {queue!r} already has this interval on "
                                            f"line {seen[(queue, start)]}")
        seen[(queue, start)] = rec.line
        cells.append(ForecastCell(queue, start, int(minutes), volume, volume, volume, aht,
                                  patience if patience is not None else 0.0))
    return cells


def parse_requirements_csv(text: str, column: str = "scheduled_heads") -> list[Requirement]:
    """A staffing plan (``plan staffing --output``) as agents required per interval."""
    if column not in REQUIREMENT_COLUMNS:
        raise ValidationError(f"requirement column: one of {', '.join(REQUIREMENT_COLUMNS)}",
                              {"field": "requirement"}, reason="requirement-column")
    out: list[Requirement] = []
    seen: dict[tuple[str, datetime], int] = {}
    for rec in read_table(text, required=("queue", "interval_start", "interval_minutes",
                                          column),
                          what="staffing plan", others=True):
        queue = rec.text("queue")
        if queue is None:
            raise rec.bad("queue", "missing queue name")
        start = rec.instant("interval_start")
        minutes = rec.required_number("interval_minutes")
        if minutes != int(minutes) or not 1 <= minutes <= 1440:
            raise rec.bad("interval_minutes", f"{minutes:g} is not a whole number of minutes")
        agents = rec.required_number(column)
        if agents < 0 or agents != int(agents) or agents > 100_000:
            raise rec.bad(column, f"{agents:g} is not a headcount")
        if (queue, start) in seen:
            raise rec.bad("interval_start", f"queue {queue!r} already has this interval on "
                                            f"line {seen[(queue, start)]}")
        seen[(queue, start)] = rec.line
        out.append(Requirement(queue, start, int(minutes), int(agents)))
    return out


def parse_shifts_csv(text: str) -> list[Shift]:
    """The shifts of ``plan schedule`` (one agent per line)."""
    shifts: list[Shift] = []
    ids: set[str] = set()
    for rec in read_table(text, required=("shift", "queues", "location", "start", "end"),
                          optional=("template", "pool", "breaks"), what="schedule"):
        shift_id = rec.text("shift")
        if shift_id is None or shift_id in ids:
            raise rec.bad("shift", "each shift needs its own id")
        ids.add(shift_id)
        queues = tuple(q.strip() for q in (rec.text("queues") or "").split("|") if q.strip())
        if not queues:
            raise rec.bad("queues", "a shift names at least one queue")
        location = rec.text("location")
        if location is None:
            raise rec.bad("location", "a site, or home")
        start, end = rec.instant("start"), rec.instant("end")
        if not start < end <= start + timedelta(hours=24):
            raise rec.bad("end", "a shift ends after it starts, within 24 hours")
        breaks = tuple(_break(rec.text("breaks"), start, end, rec.bad))
        shifts.append(Shift(shift_id, rec.text("template") or "", rec.text("pool") or "",
                            queues, location, start, end, breaks))
    return shifts


def _break(raw: str | None, start: datetime, end: datetime,
           bad: object) -> Iterable[tuple[datetime, int]]:
    assert callable(bad)
    if not raw:
        return
    zone: tzinfo | None = start.tzinfo
    for part in raw.split(";"):
        clock, _, minutes = part.strip().partition("/")
        try:
            hour, minute = (int(v) for v in clock.split(":"))
            length = int(minutes)
            moment = start.replace(hour=hour, minute=minute, second=0, microsecond=0,
                                   tzinfo=zone)
        except ValueError:
            raise bad("breaks", f"{part.strip()!r} is not HH:MM/minutes") from None
        if moment < start:
            moment += timedelta(days=1)
        if not 0 < length <= 180 or moment + timedelta(minutes=length) > end:
            raise bad("breaks", f"{part.strip()!r} does not fit in the shift")
        yield moment, length

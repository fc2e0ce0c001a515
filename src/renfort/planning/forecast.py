"""Forecast calls per queue and interval from a history, with announcement surges.

:func:`forecast` takes the parsed history (:mod:`renfort.planning.history`) and a
:class:`ForecastRequest` (first day, how many open days, interval, holidays, time zone,
events) and returns a :class:`Forecast`: one :class:`ForecastCell` per queue and interval
the line will be open (learned from the history), with the expected volume, its 80 %
interval, the handle time and patience to staff it with, and the surge multiplier applied.
The model is described in :mod:`renfort.planning.model`; surges in
:mod:`renfort.planning.surges`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import numpy as np

from renfort.domain.errors import ValidationError
from renfort.planning.calendar import (
    OpenPattern,
    learn_open_pattern,
    open_days,
    public_holidays,
)
from renfort.planning.history import HistoryRow, SurgeEvent, labelled_events
from renfort.planning.model import (
    Calendar,
    FittedQueue,
    ModelSettings,
    feature_map,
    fit,
    poisson_interval,
)
from renfort.planning.series import QueueSeries, build_series, grid_minutes, local_time
from renfort.planning.surges import (
    DEFAULT_DECAY_HOURS,
    LearnedSurge,
    OpenClock,
    learn,
    multiplier,
    window_hours,
)

MAX_DAYS = 366
DEFAULT_AHT_SECONDS = 300.0
DEFAULT_PATIENCE_SECONDS = 180.0


@dataclass(frozen=True)
class ForecastRequest:
    """What to forecast, and the context the history does not carry."""

    start: date
    days: int
    """Days the line is open to forecast, from *start* (closed days are skipped)."""
    interval_minutes: int | None = None
    """Default: the history's longest interval; shorter history rows are summed into it."""
    country: str | None = "FR"
    """Public holidays of this ISO 3166 country (``None``: none)."""
    subdivision: str | None = None
    zone: tzinfo | None = None
    """Local time of the line; ``None``: the wall clock as written in the history."""
    events: tuple[SurgeEvent, ...] = ()
    aht_seconds: float = DEFAULT_AHT_SECONDS
    """Handle time where the history gives none."""
    patience_seconds: float = DEFAULT_PATIENCE_SECONDS
    """Patience where the history gives none."""

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_DAYS:
            raise ValidationError(f"days: 1 to {MAX_DAYS}", {"field": "days"},
                                  reason="days-range", values={"max": MAX_DAYS})
        if not (self.aht_seconds > 0 and self.patience_seconds > 0):
            raise ValidationError("handle time and patience must be positive",
                                  {"field": "aht_seconds"}, reason="aht-patience-positive")


@dataclass(frozen=True, slots=True)
class ForecastCell:
    """Expected calls of one queue in one interval."""

    queue: str
    start: datetime
    """Start of the interval, in the line's local time with its offset."""
    minutes: int
    volume: float
    volume_low: float
    volume_high: float
    aht_seconds: float
    patience_seconds: float
    surge: float = 1.0
    """Multiplier of the announcement events (1: none)."""


NOTES: dict[str, str] = {
    "holidays_closed": "Closed on public holidays ({closed} of the {seen} holidays in the "
                       "history): no rows on {skipped} holiday(s) of the forecast.",
    "holidays_open": "Open on public holidays ({seen} in the history); their effect is "
                     "learned.",
    "holidays_unknown": "No public holiday in the history: assumed open on holidays.",
    "aht_default": "{queues} queue(s) without aht_seconds in the history: {seconds:g} s "
                   "assumed.",
    "patience_default": "{queues} queue(s) without patience_seconds in the history: "
                        "{seconds:g} s assumed.",
    "surge_learned": "Events '{kind}': ×{factor:.2f} at their start, half-life {decay:g} "
                     "open hours, learned from {events} past event(s).",
    "surge_applied": "{events} announcement(s) applied: up to ×{peak:.2f}.",
}
"""English wording of each note; the planner page words them from the message catalog
(``planner.note.<code>``) with the same values."""


@dataclass(frozen=True)
class Note:
    code: str
    values: dict[str, str | int | float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return NOTES[self.code].format(**self.values)


@dataclass(frozen=True)
class Forecast:
    minutes: int
    days: tuple[date, ...]
    """The open days forecast."""
    cells: list[ForecastCell]
    notes: list[Note]
    surges: list[LearnedSurge]


@dataclass(frozen=True)
class QueueModel:
    """A queue's fitted model with the calendar around it (what the backtest reuses)."""

    series: QueueSeries
    pattern: OpenPattern
    fitted: FittedQueue
    clock: OpenClock


def forecast(rows: Sequence[HistoryRow], request: ForecastRequest,
             settings: ModelSettings | None = None) -> Forecast:
    """The forecast of every queue of *rows* (see the module docstring)."""
    if not rows:
        raise ValidationError("the history has no rows", {"line": 2, "column": None},
                              reason="history-empty")
    settings = settings or ModelSettings()
    minutes = grid_minutes(rows, request.interval_minutes)
    series = build_series(rows, minutes, request.zone)
    last = max(s.last for s in series)
    if request.start <= last:
        raise ValidationError(f"start: {request.start} is within the history (it ends on "
                              f"{last}); forecast from a later day", {"field": "start"},
                              reason="forecast-start-in-history")
    events = [*request.events, *labelled_events(rows)]
    _check_event_queues(events, {s.queue for s in series})
    years = range(min(s.first for s in series).year - 1,
                  request.start.year + request.days // 300 + 3)
    holidays = public_holidays(request.country, request.subdivision, years)
    patterns = {s.queue: queue_pattern(s, holidays) for s in series}
    targets = _target_days(request, list(patterns.values()), holidays)
    models, learned = fit_models(series, patterns, holidays, targets[-1], events, request,
                              settings)
    cells: list[ForecastCell] = []
    peak = 1.0
    for model in models:
        queue_cells = _cells(model, targets, holidays, events, learned, request)
        peak = max([peak, *(c.surge for c in queue_cells)])
        cells.extend(queue_cells)
    notes = _notes(series, patterns, holidays, targets, request, learned, events, peak)
    return Forecast(minutes, tuple(targets), cells, notes, list(learned.values()))


def queue_pattern(series: QueueSeries, holidays: dict[date, str]) -> OpenPattern:
    present = ~np.isnan(series.volume)
    return learn_open_pattern(series.first, present, series.volume,
                              {d: n for d, n in holidays.items()
                               if series.first <= d <= series.last})


def _target_days(request: ForecastRequest, patterns: list[OpenPattern],
                 holidays: dict[date, str]) -> list[date]:
    days: list[date] = []
    day = request.start
    limit = request.start + timedelta(days=request.days * 7 + 60)
    while len(days) < request.days and day <= limit:
        if any(p.day_open(day, holidays) for p in patterns):
            days.append(day)
        day += timedelta(days=1)
    if not days:
        raise ValidationError("the history shows no day the line opens", {"field": "history"},
                              reason="history-no-open-day")
    return days


def build_models(series: Sequence[QueueSeries], patterns: dict[str, OpenPattern],
                 holidays: dict[date, str], until: date, masks: dict[str, frozenset[date]],
                 settings: ModelSettings) -> list[QueueModel]:
    """Fit every queue; *until* is the last day its calendar must cover."""
    models = []
    for s in series:
        pattern = patterns[s.queue]
        month_start = s.first.replace(day=1)
        month_end = (until.replace(day=28) + timedelta(days=4)).replace(day=1) \
            - timedelta(days=1)
        opened = open_days(pattern, holidays, month_start, month_end)
        calendar = Calendar(pattern, feature_map(opened, opened, holidays))
        fitted = fit(s, calendar, settings, masks.get(s.queue, frozenset()))
        if fitted is None:
            raise ValidationError(f"queue {s.queue!r}: no day of its history has calls in "
                                  "most of its open intervals; nothing to learn from",
                                  {"queue": s.queue}, reason="queue-history-no-calls")
        clock = OpenClock(pattern, holidays, s.first - timedelta(days=1), month_end,
                          s.minutes)
        models.append(QueueModel(s, pattern, fitted, clock))
    return models


def fit_models(series: list[QueueSeries], patterns: dict[str, OpenPattern],
            holidays: dict[date, str], until: date, events: list[SurgeEvent],
            request: ForecastRequest, settings: ModelSettings
            ) -> tuple[list[QueueModel], dict[str, LearnedSurge]]:
    """Fit with past events kept out of the baseline, then learn their factors."""
    first_pass = build_models(series, patterns, holidays, until, {}, settings)
    masks: dict[str, frozenset[date]] = {}
    past: dict[str, list[tuple[SurgeEvent, QueueModel, datetime]]] = {}
    for model in first_pass:
        end = model.series.data_end
        masked: set[date] = set()
        for event in events:
            at = local_time(event.at, request.zone)
            if event.queue not in (None, model.series.queue) or at >= end:
                continue
            past.setdefault(event.kind, []).append((event, model, at))
            reach = window_hours(event.decay_hours)
            day = at.date()
            while day <= model.series.last:
                midnight = datetime.combine(day, time())
                if model.clock.hours_since(at, max(midnight, at)) > reach:
                    break
                masked.add(day)
                day += timedelta(days=1)
        masks[model.series.queue] = frozenset(masked)
    if not past:
        return first_pass, {}
    models = build_models(series, patterns, holidays, until, masks, settings)
    by_queue = {m.series.queue: m for m in models}
    learned: dict[str, LearnedSurge] = {}
    for kind, cases in past.items():
        samples = [_samples(by_queue[model.series.queue], event, at)
                   for event, model, at in cases]
        decays = {e.decay_hours for e, _, _ in cases if e.decay_hours is not None}
        surge = learn(kind, [s for s in samples if s is not None],
                      decays.pop() if len(decays) == 1 else None,
                      len({(e.at, e.kind) for e, _, _ in cases}))
        if surge is not None:
            learned[kind] = surge
    return models, learned


def _samples(model: QueueModel, event: SurgeEvent, at: datetime
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    fitted, series = model.fitted, model.series
    level = fitted.level_path.get(at.date())
    if level is None:
        return None
    reach = window_hours(event.decay_hours)
    calls, expected, hours = [], [], []
    day = at.date()
    while day <= series.last:
        d = (day - series.first).days
        if day in fitted.calendar.features:
            base = fitted.expected(day, level)
            midnight = datetime.combine(day, time())
            for s in np.flatnonzero(model.pattern.slots[day.weekday()]):
                start = midnight + timedelta(minutes=series.minutes * int(s))
                h = model.clock.hours_since(at, start)
                if 0 <= h <= reach and not np.isnan(series.volume[d, s]):
                    calls.append(series.volume[d, s])
                    expected.append(base[s])
                    hours.append(h)
        if model.clock.hours_since(at, datetime.combine(day + timedelta(days=1), time())) \
                > reach:
            break
        day += timedelta(days=1)
    if not calls:
        return None
    return np.array(calls), np.array(expected), np.array(hours)


def _check_event_queues(events: list[SurgeEvent], queues: set[str]) -> None:
    for event in events:
        if event.queue is not None and event.queue not in queues:
            raise ValidationError(f"events line {event.line}: queue {event.queue!r} is not "
                                  "in the history", {"line": event.line, "column": "queue"},
                                  reason="event-queue")


def _resolved(event: SurgeEvent, learned: dict[str, LearnedSurge]) -> tuple[float, float]:
    known = learned.get(event.kind)
    factor = event.factor if event.factor is not None else known.factor if known else None
    if factor is None:
        raise ValidationError(
            f"events line {event.line}: no factor for '{event.kind}' and no past event of "
            "that kind in the history to learn it from",
            {"line": event.line, "column": "factor"}, reason="event-factor")
    decay = event.decay_hours if event.decay_hours is not None else \
        known.decay_hours if known else DEFAULT_DECAY_HOURS
    return factor, decay


def future_events(model: QueueModel, events: Sequence[SurgeEvent],
                  learned: dict[str, LearnedSurge], zone: tzinfo | None
                  ) -> list[tuple[datetime, float, float]]:
    """``(local at, factor, decay)`` of the queue's events whose effect the forecast must
    carry: every event after its data, and the past ones still decaying (those of an
    unknown factor are past and have been learned from, or are left out)."""
    end = model.series.data_end
    out = []
    for event in events:
        at = local_time(event.at, zone)
        if event.queue not in (None, model.series.queue):
            continue
        if at < end and event.factor is None and event.kind not in learned:
            continue
        out.append((at, *_resolved(event, learned)))
    return out


def day_forecast(model: QueueModel, day: date,
                 surges: Sequence[tuple[datetime, float, float]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected calls, 80 % bounds and surge multiplier per slot of an open *day*
    (zero on closed slots)."""
    fitted, minutes = model.fitted, model.series.minutes
    mean = fitted.expected(day)
    low, high = poisson_interval(mean, fitted.log_sigma(day))
    surge = np.ones_like(mean)
    if surges:
        midnight = datetime.combine(day, time())
        for s in np.flatnonzero(model.pattern.slots[day.weekday()]):
            start = midnight + timedelta(minutes=minutes * int(s))
            for at, factor, decay in surges:
                surge[s] *= multiplier(factor, decay, model.clock.hours_since(at, start))
    return mean * surge, low * surge, high * surge, surge


def _cells(model: QueueModel, targets: list[date], holidays: dict[date, str],
           events: list[SurgeEvent], learned: dict[str, LearnedSurge],
           request: ForecastRequest) -> list[ForecastCell]:
    series, fitted = model.series, model.fitted
    surges = future_events(model, events, learned, request.zone)
    zone = request.zone or timezone(series.offset)
    fallback_aht = _overall(fitted.aht, request.aht_seconds)
    fallback_patience = _overall(fitted.patience, request.patience_seconds)
    out = []
    for day in targets:
        if not model.pattern.day_open(day, holidays):
            continue
        mean, low, high, surge = day_forecast(model, day, surges)
        midnight = datetime.combine(day, time())
        for s in np.flatnonzero(model.pattern.slots[day.weekday()]):
            start = midnight + timedelta(minutes=series.minutes * int(s))
            aht = fitted.aht[day.weekday(), s]
            patience = fitted.patience[day.weekday(), s]
            out.append(ForecastCell(
                series.queue, start.replace(tzinfo=zone), series.minutes,
                float(mean[s]), float(low[s]), float(high[s]),
                float(aht) if np.isfinite(aht) else fallback_aht,
                float(patience) if np.isfinite(patience) else fallback_patience,
                float(surge[s])))
    return out


def _overall(values: np.ndarray, default: float) -> float:
    known = values[np.isfinite(values)]
    return float(np.median(known)) if known.size else default


def _notes(series: list[QueueSeries], patterns: dict[str, OpenPattern],
           holidays: dict[date, str], targets: list[date], request: ForecastRequest,
           learned: dict[str, LearnedSurge], events: list[SurgeEvent],
           peak: float) -> list[Note]:
    notes = []
    seen = sum(p.holidays_seen for p in patterns.values())
    span = [targets[0] + timedelta(days=k) for k in range((targets[-1] - targets[0]).days + 1)]
    if seen == 0 and request.country is not None:
        notes.append(Note("holidays_unknown"))
    elif any(p.closed_on_holidays for p in patterns.values()):
        closed = sum(p.holidays_seen for p in patterns.values() if p.closed_on_holidays)
        skipped = sum(1 for d in span if d in holidays)
        notes.append(Note("holidays_closed", {"closed": closed, "seen": seen,
                                              "skipped": skipped}))
    elif seen:
        notes.append(Note("holidays_open", {"seen": seen}))
    no_aht = sum(1 for s in series if not s.aht_weight.any())
    if no_aht:
        notes.append(Note("aht_default", {"queues": no_aht, "seconds": request.aht_seconds}))
    no_patience = sum(1 for s in series if not s.patience_weight.any())
    if no_patience:
        notes.append(Note("patience_default", {"queues": no_patience,
                                               "seconds": request.patience_seconds}))
    for surge in learned.values():
        notes.append(Note("surge_learned", {"kind": surge.kind, "factor": surge.factor,
                                            "decay": surge.decay_hours,
                                            "events": surge.events}))
    future = [e for e in events
              if local_time(e.at, request.zone).date() >= targets[0] - timedelta(days=7)
              and local_time(e.at, request.zone).date() <= targets[-1]]
    if future and peak > 1.0:
        notes.append(Note("surge_applied", {"events": len(future), "peak": peak}))
    return notes

"""Rolling-origin backtest: how far off the forecast was, horizon by horizon.

From each origin (a day of the history) the model learns from the days before it only and
forecasts the next ``horizon`` days the line was open; so do two simple baselines:

* **seasonal naive**: each slot as on the same weekday the last time (a week before);
* **4-week average**: each slot averaged over the last four same weekdays.

Origins step back from the end of the history by ``step`` open days. Per horizon (1 = the
first day forecast) and over all: **WAPE** (Σ|forecast − calls| / Σ calls) and **bias**
(Σ(forecast − calls) / Σ calls), over every queue and interval with a row in the history;
and, for the model, how often the calls fell inside its 80 % interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from renfort.domain.errors import ValidationError
from renfort.planning.calendar import public_holidays
from renfort.planning.forecast import (
    ForecastRequest,
    day_forecast,
    fit_models,
    future_events,
    queue_pattern,
)
from renfort.planning.history import HistoryRow, SurgeEvent, labelled_events
from renfort.planning.model import ModelSettings
from renfort.planning.series import QueueSeries, build_series, grid_minutes

METHODS = ("renfort", "seasonal_naive", "four_week_average")
MIN_HISTORY_DAYS = 28


@dataclass(frozen=True)
class BacktestRequest:
    horizon: int = 20
    """Open days forecast from each origin."""
    origins: int = 8
    step: int = 5
    """Open days between two origins."""
    interval_minutes: int | None = None
    country: str | None = "FR"
    subdivision: str | None = None
    events: tuple[SurgeEvent, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.horizon <= 120:
            raise ValidationError("horizon: 1 to 120 days", {"field": "horizon"},
                                  reason="horizon-range")
        if not 1 <= self.origins <= 200:
            raise ValidationError("origins: 1 to 200", {"field": "origins"}, reason="origins-range")
        if not 1 <= self.step <= 120:
            raise ValidationError("step: 1 to 120 days", {"field": "step"}, reason="step-range")


@dataclass
class Score:
    """Sums behind WAPE and bias, and the interval's hits."""

    error: float = 0.0
    signed: float = 0.0
    calls: float = 0.0
    inside: int = 0
    cells: int = 0

    def add(self, forecast: NDArray[np.float64], actual: NDArray[np.float64]) -> None:
        self.error += float(np.abs(forecast - actual).sum())
        self.signed += float((forecast - actual).sum())
        self.calls += float(actual.sum())
        self.cells += int(actual.size)

    @property
    def wape(self) -> float | None:
        return self.error / self.calls if self.calls else None

    @property
    def bias(self) -> float | None:
        return self.signed / self.calls if self.calls else None

    @property
    def coverage(self) -> float | None:
        return self.inside / self.cells if self.cells else None


@dataclass
class Backtest:
    origins: list[date]
    horizon: int
    by_horizon: dict[str, list[Score]]
    """Per method, one score per horizon (index 0 = the first day forecast)."""
    overall: dict[str, Score]
    per_origin: dict[str, list[Score]] = field(default_factory=dict)


def backtest(rows: Sequence[HistoryRow], request: BacktestRequest,
             settings: ModelSettings | None = None) -> Backtest:
    """Score the model and the baselines from rolling origins (see the module docstring)."""
    if not rows:
        raise ValidationError("the history has no rows", {"line": 2, "column": None},
                              reason="history-empty")
    settings = settings or ModelSettings()
    minutes = grid_minutes(rows, request.interval_minutes)
    series = build_series(rows, minutes, None)
    first = min(s.first for s in series)
    last = max(s.last for s in series)
    holidays = public_holidays(request.country, request.subdivision,
                               range(first.year - 1, last.year + 2))
    events = [*request.events, *labelled_events(rows)]
    data_days = sorted({s.day(d) for s in series for d in range(s.days)
                        if not np.isnan(s.volume[d]).all()})
    origins = []
    for k in range(request.origins):
        i = len(data_days) - request.horizon - k * request.step
        if i <= 0 or (data_days[i] - first).days < MIN_HISTORY_DAYS:
            break
        origins.append(data_days[i])
    if not origins:
        raise ValidationError(
            f"the history is too short: it needs {MIN_HISTORY_DAYS} days before "
            f"{request.horizon} days to forecast", {"field": "horizon"},
            reason="history-too-short", values={"days": MIN_HISTORY_DAYS})
    origins.reverse()
    result = Backtest(origins, request.horizon,
                      {m: [Score() for _ in range(request.horizon)] for m in METHODS},
                      {m: Score() for m in METHODS}, {m: [] for m in METHODS})
    for origin in origins:
        targets = [d for d in data_days if d >= origin][:request.horizon]
        _score_origin(series, origin, targets, holidays, events, request, settings, result)
    return result


def _score_origin(series: list[QueueSeries], origin: date, targets: list[date],
                  holidays: dict[date, str], events: list[SurgeEvent],
                  request: BacktestRequest, settings: ModelSettings, result: Backtest) -> None:
    past = [s.until(origin) for s in series]
    past = [p for p in past if p.days > 0 and not np.isnan(p.volume).all()]
    patterns = {p.queue: queue_pattern(p, holidays) for p in past}
    context = ForecastRequest(start=origin, days=1, country=request.country,
                              subdivision=request.subdivision)
    models, learned = fit_models(past, patterns, holidays, targets[-1], events, context,
                                 settings)
    by_queue = {m.series.queue: m for m in models}
    origin_scores = {m: Score() for m in METHODS}
    for full in series:
        model = by_queue.get(full.queue)
        surges = future_events(model, events, learned, None) if model else []
        for h, day in enumerate(targets):
            d = (day - full.first).days
            if not 0 <= d < full.days:
                continue
            actual = full.volume[d]
            seen = ~np.isnan(actual)
            if not seen.any():
                continue
            ours = np.zeros(full.slots)
            low = high = ours
            if model is not None and model.pattern.day_open(day, holidays):
                ours, low, high, _ = day_forecast(model, day, surges)
            history = full.until(origin)
            forecasts = {"renfort": ours,
                         "seasonal_naive": _same_weekday(history, day, 1),
                         "four_week_average": _same_weekday(history, day, 4)}
            a = actual[seen]
            for method, values in forecasts.items():
                result.by_horizon[method][h].add(values[seen], a)
                result.overall[method].add(values[seen], a)
                origin_scores[method].add(values[seen], a)
            hits = int(((a >= low[seen]) & (a <= high[seen])).sum())
            result.by_horizon["renfort"][h].inside += hits
            result.overall["renfort"].inside += hits
            origin_scores["renfort"].inside += hits
    for method in METHODS:
        result.per_origin[method].append(origin_scores[method])


def _same_weekday(history: QueueSeries, day: date, weeks: int) -> NDArray[np.float64]:
    """Mean per slot over the last *weeks* same weekdays with a row there (0: none)."""
    rows = [d for d in range(history.days - 1, -1, -1)
            if history.day(d).weekday() == day.weekday()
            and not np.isnan(history.volume[d]).all()][:weeks]
    if not rows:
        return np.zeros(history.slots)
    values = history.volume[rows]
    seen = ~np.isnan(values)
    counts = seen.sum(axis=0)
    return np.where(counts > 0, np.where(seen, values, 0.0).sum(axis=0)
                    / np.maximum(counts, 1), 0.0)

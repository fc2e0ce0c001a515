"""The forecasting model of one queue: daily level × intraday profile.

**Daily level.** The log of each day's calls is regressed, with weights halving every
``effects_half_life_days``, on one effect per week (which absorbs the slow level), one
per weekday, and the calendar effects of :mod:`renfort.planning.calendar` (ridge-shrunk
towards none, so that an effect seen once or twice moves the forecast little). The level
carried forward is the exponentially weighted mean of the days with weekday and calendar
effects taken out (half-life ``level_half_life_days``): a local level, as in simple
exponential smoothing.

**Intraday profile.** Each weekday's share of the day per slot, averaged over past days
(half-life ``profile_half_life_days``) and shrunk towards the all-weekday profile; the
calendar effects also bend it (a month's first day starts earlier), shrunk the same way.

**Interval.** Errors are lognormal: the spread of the daily level at the horizon
(measured in the history by forecasting each day from the days ``h`` before it) and the
spread of each slot around its profile, plus Poisson noise.

The defaults were tuned on early windows of a real bank's history
(``scripts/tune_forecast.py``), never on the windows reported in the README.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from renfort.planning.calendar import FEATURES, OpenPattern, calendar_features
from renfort.planning.series import QueueSeries

Z80 = 1.2815515655446004
"""Standard normal quantile of 90 %: the 80 % interval's half-width in sigmas."""
MIN_COVERAGE = 0.8
"""Share of a day's open slots that must have a row for the day to inform the level."""
LAG_LIMIT = 60
"""Longest horizon (days) whose level error is measured; longer ones reuse it."""


@dataclass(frozen=True)
class ModelSettings:
    """Knobs of the model (see the module docstring); the defaults are the tuned ones."""

    level_half_life_days: float = 10.0
    effects_half_life_days: float = 10_000.0
    calendar_ridge: float = 0.3
    profile_half_life_days: float = 40.0
    profile_shrinkage: float = 0.5
    """Weight, in days, of the all-weekday profile in each weekday's profile."""
    profile_calendar_shrinkage: float = 5.0
    """Weight, in days, of 'no effect' in the calendar bends of the profile."""
    handling_weeks: int = 8
    """Weeks of history averaged for the handle time and patience of a slot."""


@dataclass(frozen=True)
class Calendar:
    """The days of a queue's history and forecast with their features."""

    pattern: OpenPattern
    features: dict[date, NDArray[np.float64]]
    """Feature vector of every open day from the first history day to the last target."""


@dataclass(frozen=True)
class FittedQueue:
    """A fitted model of one queue, ready to forecast any open day after its history."""

    series: QueueSeries
    calendar: Calendar
    weekday_effect: NDArray[np.float64]
    calendar_effect: NDArray[np.float64]
    level: float
    level_path: dict[date, float]
    """Level known at the start of each history day (from the days before it)."""
    profiles: NDArray[np.float64]
    """``profiles[weekday, slot]``; zero on closed slots."""
    profile_bends: NDArray[np.float64]
    """``profile_bends[feature, slot]``: log change of the profile on such a day."""
    sigma_level: NDArray[np.float64]
    """Standard deviation of the log level error at horizon 1, 2, … days."""
    sigma_slot: NDArray[np.float64]
    aht: NDArray[np.float64]
    """Volume-weighted handle time per weekday and slot (NaN: none in the history)."""
    patience: NDArray[np.float64]
    usable: tuple[date, ...]
    """History days that informed the model."""

    def daily(self, day: date, level: float | None = None) -> float:
        """Expected calls of an open *day* (the level carried forward unless given)."""
        x = self.calendar.features.get(day, np.zeros(len(FEATURES)))
        log_total = (self.level if level is None else level) \
            + self.weekday_effect[day.weekday()] + float(x @ self.calendar_effect)
        return math.exp(log_total)

    def profile(self, day: date) -> NDArray[np.float64]:
        """Share of *day*'s calls per slot (zero where the line is closed)."""
        base = _f64(self.profiles[day.weekday()])
        x = self.calendar.features.get(day)
        if x is None or not x.any():
            return base
        bent = base * np.exp(x @ self.profile_bends)
        total = float(bent.sum())
        return _f64(bent / total) if total > 0 else base

    def expected(self, day: date, level: float | None = None) -> NDArray[np.float64]:
        return _f64(self.daily(day, level) * self.profile(day))

    def log_sigma(self, day: date) -> NDArray[np.float64]:
        """Standard deviation of the log volume per slot of a target *day*."""
        horizon = max(1, (day - self.series.last).days)
        level = self.sigma_level[min(horizon, len(self.sigma_level)) - 1]
        return _f64(np.sqrt(level**2 + self.sigma_slot**2))


def _f64(values: object) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def fit(series: QueueSeries, calendar: Calendar, settings: ModelSettings,
        masked: frozenset[date] = frozenset()) -> FittedQueue | None:
    """The model of *series*, or ``None`` when no day of its history can inform it.

    *masked* days (under a past announcement) inform neither the level nor the profile.
    """
    pattern = calendar.pattern
    open_slots = np.array([pattern.slots[series.day(d).weekday()] for d in range(series.days)])
    present = ~np.isnan(series.volume)
    volume = np.where(present, series.volume, 0.0)
    counts = (present & open_slots).sum(axis=1)
    expected_counts = open_slots.sum(axis=1)
    totals = volume.sum(axis=1)
    usable = [d for d in range(series.days)
              if series.day(d) in calendar.features and series.day(d) not in masked
              and expected_counts[d] > 0 and counts[d] >= MIN_COVERAGE * expected_counts[d]
              and totals[d] > 0]
    if not usable:
        return None
    idx = np.array(usable)
    days = [series.day(d) for d in usable]
    last = series.last
    age = np.array([(last - day).days for day in days], dtype=np.float64)
    log_total = np.log(totals[idx] * expected_counts[idx] / counts[idx])

    weekday_effect, calendar_effect = _effects(days, log_total, age, calendar, settings)
    x = np.array([calendar.features[day] for day in days])
    seasonal = np.array([weekday_effect[day.weekday()] for day in days]) + x @ calendar_effect
    deseasonalised = log_total - seasonal
    level_weights = 0.5 ** (age / settings.level_half_life_days)
    level = float((level_weights * deseasonalised).sum() / level_weights.sum())
    path = _level_path(days, deseasonalised, settings.level_half_life_days, series)

    shares = volume[idx] / totals[idx, None]
    full = counts[idx] == expected_counts[idx]
    profiles = _profiles(days, shares, full, age, pattern, settings)
    bends = _bends(days, shares, full, x, profiles, pattern, settings)
    fitted = FittedQueue(series, calendar, weekday_effect, calendar_effect, level, path,
                         profiles, bends, np.zeros(1), np.zeros(series.slots),
                         _handling(series, series.aht_volume, series.aht_weight, settings),
                         _handling(series, series.patience_volume, series.patience_weight,
                                   settings),
                         tuple(days))
    sigma_level = _sigma_level(days, deseasonalised, path)
    sigma_slot = _sigma_slot(fitted, idx, full, volume, totals)
    return replace(fitted, sigma_level=sigma_level, sigma_slot=sigma_slot)


def _effects(days: list[date], log_total: NDArray[np.float64], age: NDArray[np.float64],
             calendar: Calendar, settings: ModelSettings
             ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weekday and calendar effects by weighted ridge regression with week effects."""
    weeks = sorted({day - timedelta(days=day.weekday()) for day in days})
    week_index = {w: i for i, w in enumerate(weeks)}
    weekdays = sorted({day.weekday() for day in days})
    reference = weekdays[0]
    free_weekdays = [w for w in weekdays if w != reference]
    n, n_weeks, n_wd, n_cal = len(days), len(weeks), len(free_weekdays), len(FEATURES)
    design = np.zeros((n, n_weeks + n_wd + n_cal))
    for i, day in enumerate(days):
        design[i, week_index[day - timedelta(days=day.weekday())]] = 1.0
        if day.weekday() != reference:
            design[i, n_weeks + free_weekdays.index(day.weekday())] = 1.0
        design[i, n_weeks + n_wd:] = calendar.features[day]
    weights = 0.5 ** (age / settings.effects_half_life_days)
    ridge = np.concatenate([np.zeros(n_weeks), np.full(n_wd, 1e-6),
                            np.full(n_cal, settings.calendar_ridge)])
    # a feature never seen in the history keeps no effect rather than an arbitrary one
    ridge[n_weeks + n_wd:][~design[:, n_weeks + n_wd:].any(axis=0)] += 1.0
    normal = design.T @ (design * weights[:, None]) + np.diag(ridge)
    coef = np.linalg.lstsq(normal, design.T @ (weights * log_total), rcond=None)[0]
    weekday_effect = np.zeros(7)
    for k, w in enumerate(free_weekdays):
        weekday_effect[w] = coef[n_weeks + k]
    return weekday_effect, _f64(coef[n_weeks + n_wd:])


def _level_path(days: list[date], deseasonalised: NDArray[np.float64], half_life: float,
                series: QueueSeries) -> dict[date, float]:
    """The exponentially weighted level known at the start of every history day."""
    path: dict[date, float] = {}
    total = weight = 0.0
    k = 0
    previous: date | None = None
    for d in range(series.days + 1):
        day = series.day(d)
        if previous is not None and weight > 0:
            decay = 0.5 ** ((day - previous).days / half_life)
            total, weight = total * decay, weight * decay
        previous = day
        if weight > 0:
            path[day] = total / weight
        while k < len(days) and days[k] == day:
            total += float(deseasonalised[k])
            weight += 1.0
            k += 1
    return path


def _sigma_level(days: list[date], deseasonalised: NDArray[np.float64],
                 path: dict[date, float]) -> NDArray[np.float64]:
    """Log level error at horizons 1..LAG_LIMIT days, from the history itself."""
    out = np.zeros(LAG_LIMIT)
    recent = list(zip(days, deseasonalised, strict=True))[-120:]
    fallback = float(np.std(deseasonalised)) if len(days) > 1 else 0.1
    for h in range(1, LAG_LIMIT + 1):
        errors = [z - path[day - timedelta(days=h - 1)] for day, z in recent
                  if day - timedelta(days=h - 1) in path]
        out[h - 1] = math.sqrt(float(np.mean(np.square(errors)))) if len(errors) >= 10 \
            else fallback
    return np.maximum.accumulate(np.maximum(out, 0.01))


def _profiles(days: list[date], shares: NDArray[np.float64], full: NDArray[np.bool_],
              age: NDArray[np.float64], pattern: OpenPattern,
              settings: ModelSettings) -> NDArray[np.float64]:
    weights = np.where(full, 0.5 ** (age / settings.profile_half_life_days), 0.0)
    n_slots = shares.shape[1]
    profiles = np.zeros((7, n_slots))
    if weights.sum() == 0:
        weights = 0.5 ** (age / settings.profile_half_life_days)
    overall = (shares * weights[:, None]).sum(axis=0) / weights.sum()
    weekday = np.array([day.weekday() for day in days])
    for w in range(7):
        open_w = pattern.slots[w]
        if not open_w.any():
            continue
        mine = weekday == w
        own = (shares[mine] * weights[mine, None]).sum(axis=0)
        blend = (own + settings.profile_shrinkage * overall) / (
            weights[mine].sum() + settings.profile_shrinkage)
        blend = np.where(open_w, blend, 0.0)
        if blend.sum() <= 0:
            blend = open_w / open_w.sum()
        profiles[w] = blend / blend.sum()
    return profiles


def _bends(days: list[date], shares: NDArray[np.float64], full: NDArray[np.bool_],
           x: NDArray[np.float64], profiles: NDArray[np.float64], pattern: OpenPattern,
           settings: ModelSettings) -> NDArray[np.float64]:
    base = np.array([profiles[day.weekday()] for day in days])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where((shares > 0) & (base > 0), np.log(shares / base), 0.0)
    log_ratio = np.clip(log_ratio, -1.0, 1.0) * full[:, None]
    counts = (x * full[:, None]).sum(axis=0)
    return _f64((x.T @ log_ratio) / (counts + settings.profile_calendar_shrinkage)[:, None])


def _sigma_slot(fitted: FittedQueue, idx: NDArray[np.int64], full: NDArray[np.bool_],
                volume: NDArray[np.float64], totals: NDArray[np.float64]
                ) -> NDArray[np.float64]:
    """Spread of each slot's log volume around its profile, over the last 40 full days."""
    rows = [i for i, ok in zip(idx, full, strict=True) if ok][-40:]
    if len(rows) < 3:
        return np.full(fitted.series.slots, 0.15)
    errors = []
    for d in rows:
        day = fitted.series.day(int(d))
        share = fitted.profile(day)
        expected = totals[d] * share
        errors.append(np.where(share > 0, np.log((volume[d] + 0.5) / (expected + 0.5)),
                               np.nan))
    squares = np.square(np.array(errors))
    seen = np.isfinite(squares)
    counts = seen.sum(axis=0)
    total = np.where(seen, squares, 0.0).sum(axis=0)
    return np.where(counts > 0, np.sqrt(total / np.maximum(counts, 1)), 0.15)


def _handling(series: QueueSeries, weighted: NDArray[np.float64],
              weights: NDArray[np.float64], settings: ModelSettings) -> NDArray[np.float64]:
    """Volume-weighted mean per weekday and slot over the last weeks (NaN where unknown)."""
    start = max(0, series.days - 7 * settings.handling_weeks)
    out = np.full((7, series.slots), np.nan)
    by_weekday: dict[int, list[int]] = {}
    for d in range(start, series.days):
        by_weekday.setdefault(series.day(d).weekday(), []).append(d)
    for w, rows in by_weekday.items():
        num, den = weighted[rows].sum(axis=0), weights[rows].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[w] = np.where(den > 0, num / den, np.nan)
    return out


def poisson_interval(mean: NDArray[np.float64], log_sigma: NDArray[np.float64]
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """80 % interval of a lognormal mean with Poisson noise on top (delta method)."""
    with np.errstate(divide="ignore"):
        spread = np.sqrt(log_sigma**2 + np.where(mean > 0, 1.0 / np.maximum(mean, 1e-9), 0.0))
    low = mean * np.exp(-Z80 * spread)
    high = mean * np.exp(Z80 * spread)
    return np.where(mean > 0, low, 0.0), np.where(mean > 0, high, 0.0)


def feature_map(days: list[date], opened: list[date],
                holidays: dict[date, str]) -> dict[date, NDArray[np.float64]]:
    """Features of every open day of *days* (``opened`` is the calendar's open days)."""
    matrix = calendar_features(days, opened, holidays)
    return {day: matrix[i] for i, day in enumerate(days)}

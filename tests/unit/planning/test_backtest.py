"""The rolling-origin backtest: origins, baselines computed as described, scores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.planning.backtest import BacktestRequest, backtest
from renfort.planning.history import parse_history_csv
from renfort.planning.reports import backtest_report
from tests.unit.planning.builders import history_csv

MONDAY = date(2020, 1, 6)


def test_origins_step_back_from_the_end_by_open_days() -> None:
    rows = parse_history_csv(history_csv(MONDAY, 12 * 7))
    result = backtest(rows, BacktestRequest(horizon=5, origins=3, step=5, country=None))
    assert result.origins == [MONDAY + timedelta(weeks=w) for w in (9, 10, 11)]
    assert all(len(scores) == 5 for scores in result.by_horizon.values())


def test_on_a_steady_history_every_method_is_exact() -> None:
    rows = parse_history_csv(history_csv(MONDAY, 10 * 7))
    result = backtest(rows, BacktestRequest(horizon=10, origins=2, step=5, country=None))
    for method in ("renfort", "seasonal_naive", "four_week_average"):
        assert result.overall[method].wape == pytest.approx(0.0, abs=0.01)


def test_a_calendar_effect_is_where_the_model_beats_the_baselines() -> None:
    def month_start(day: date) -> float:
        first = next(d for d in range(1, 8) if date(day.year, day.month, d).weekday() < 5)
        return 1.4 if day.day == first else 1.0

    rows = parse_history_csv(history_csv(date(2019, 6, 3), 7 * 40, factor=month_start,
                                         noise=0.05))
    report = backtest_report(backtest(rows, BacktestRequest(horizon=20, origins=6, step=10,
                                                            country=None)))
    overall = report["overall"]
    assert overall["renfort"]["wape"] < overall["four_week_average"]["wape"]
    assert overall["renfort"]["wape"] < overall["seasonal_naive"]["wape"]
    assert report["improvement"] > 0.1
    assert 0.5 < overall["renfort"]["interval_coverage"] <= 1.0
    assert len(report["by_horizon"]) == 20


def test_the_four_week_average_is_the_mean_of_the_last_four_same_weekdays() -> None:
    def rising(day: date) -> float:
        return 1.0 + 0.1 * ((day - MONDAY).days // 7)

    rows = parse_history_csv(history_csv(MONDAY, 10 * 7, factor=rising, level=100))
    result = backtest(rows, BacktestRequest(horizon=1, origins=1, step=1, country=None))
    # origin: Friday of week 10 (factor 1.9); last four Fridays: 1.5, 1.6, 1.7, 1.8
    naive, average = result.overall["seasonal_naive"], result.overall["four_week_average"]
    assert naive.bias == pytest.approx(1.8 / 1.9 - 1, abs=1e-6)
    assert average.bias == pytest.approx(1.65 / 1.9 - 1, abs=1e-6)


def test_a_history_too_short_is_refused() -> None:
    rows = parse_history_csv(history_csv(MONDAY, 21))
    with pytest.raises(ValidationError, match="too short"):
        backtest(rows, BacktestRequest(horizon=20, country=None))

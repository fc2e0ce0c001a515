"""The forecast: open hours and days learned, levels, holidays, calendar effects, surges."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.errors import ValidationError
from renfort.planning.forecast import ForecastRequest, forecast
from renfort.planning.history import SurgeEvent, parse_history_csv
from tests.unit.planning.builders import CURVE, PARIS_WINTER, history_csv

MONDAY = date(2020, 1, 6)


def _forecast(text: str, start: date, days: int, **options: object):  # type: ignore[no-untyped-def]
    return forecast(parse_history_csv(text), ForecastRequest(start=start, days=days,
                                                             **options))  # type: ignore[arg-type]


def test_a_weekday_line_gets_weekday_rows_only_at_its_hours() -> None:
    text = history_csv(MONDAY, 8 * 7)
    result = _forecast(text, MONDAY + timedelta(weeks=8), 5)
    days = {c.start.date() for c in result.cells}
    assert result.days == tuple(MONDAY + timedelta(weeks=8, days=k) for k in range(5))
    assert days == set(result.days)
    assert {c.start.time() for c in result.cells} == {
        (datetime.combine(MONDAY, time(9)) + timedelta(minutes=30 * k)).time()
        for k in range(len(CURVE))}
    assert all(c.start.utcoffset() == timedelta(hours=1) for c in result.cells)


def test_seven_open_days_skip_the_weekend() -> None:
    result = _forecast(history_csv(MONDAY, 8 * 7), MONDAY + timedelta(weeks=8, days=3), 5)
    assert [d.weekday() for d in result.days] == [3, 4, 0, 1, 2]


def test_a_clean_history_is_forecast_exactly() -> None:
    result = _forecast(history_csv(MONDAY, 8 * 7, level=100), MONDAY + timedelta(weeks=8), 2)
    monday = [c.volume for c in result.cells if c.start.weekday() == 0]
    tuesday = [c.volume for c in result.cells if c.start.weekday() == 1]
    assert monday == pytest.approx([120 * s for s in CURVE], rel=0.02)
    assert tuesday == pytest.approx([100 * s for s in CURVE], rel=0.02)
    assert all(c.volume_low <= c.volume <= c.volume_high for c in result.cells)
    assert all(c.aht_seconds == 300 and c.patience_seconds == 180 for c in result.cells)
    assert [n.code for n in result.notes] == ["holidays_unknown", "patience_default"]


def test_a_line_shut_on_public_holidays_stays_shut_on_the_next_one() -> None:
    first = date(2020, 3, 2)
    shut = [date(2020, 4, 13), date(2020, 5, 1), date(2020, 5, 8)]
    text = history_csv(first, 77, closed=shut)
    result = _forecast(text, date(2020, 5, 18), 5)
    assert date(2020, 5, 21) not in result.days  # Ascension Thursday
    assert result.days[-1] == date(2020, 5, 25)
    note = next(n for n in result.notes if n.code == "holidays_closed")
    assert note.values == {"closed": 3, "seen": 3, "skipped": 1}


def test_without_a_country_holidays_are_ordinary_days() -> None:
    text = history_csv(date(2020, 3, 2), 77, closed=[date(2020, 4, 13), date(2020, 5, 1)])
    result = _forecast(text, date(2020, 5, 18), 5, country=None)
    assert date(2020, 5, 21) in result.days


def test_a_first_day_of_the_month_effect_is_learned() -> None:
    def bump(day: date) -> float:
        firsts = [d for d in range(1, 8)
                  if date(day.year, day.month, d).weekday() < 5][:1]
        return 1.3 if day.day in firsts else 1.0

    text = history_csv(date(2019, 10, 1), 7 * 26, factor=bump)
    result = _forecast(text, date(2020, 3, 31), 7)
    totals = {}
    for c in result.cells:
        totals[c.start.date()] = totals.get(c.start.date(), 0.0) + c.volume
    # Wednesday 1 April against Wednesday 8 April
    assert totals[date(2020, 4, 1)] / totals[date(2020, 4, 8)] == pytest.approx(1.3, rel=0.06)


def test_five_minute_rows_are_summed_into_half_hours() -> None:
    fine = _forecast(history_csv(MONDAY, 28, minutes=5), MONDAY + timedelta(weeks=4), 1,
                     interval_minutes=30)
    coarse = _forecast(history_csv(MONDAY, 28), MONDAY + timedelta(weeks=4), 1)
    assert [c.volume for c in fine.cells] == pytest.approx([c.volume for c in coarse.cells],
                                                         rel=1e-4)
    assert {c.minutes for c in fine.cells} == {30}
    with pytest.raises(ValidationError, match="cannot be summed into 20-minute"):
        _forecast(history_csv(MONDAY, 28), MONDAY + timedelta(weeks=4), 1, interval_minutes=20)


def test_an_announcement_with_its_factor_lifts_the_next_open_hours() -> None:
    friday_evening = datetime.combine(MONDAY + timedelta(weeks=8, days=-3), time(20),
                                      tzinfo=PARIS_WINTER)
    event = SurgeEvent(friday_evening, "allocution", factor=3.0, decay_hours=2.0)
    base = _forecast(history_csv(MONDAY, 56), MONDAY + timedelta(weeks=8), 1)
    surged = _forecast(history_csv(MONDAY, 56), MONDAY + timedelta(weeks=8), 1,
                       events=(event,))
    ratios = [s.volume / b.volume for s, b in zip(surged.cells, base.cells, strict=True)]
    assert ratios[0] == pytest.approx(3.0)
    assert ratios[1] == pytest.approx(1 + 2 * 0.5 ** 0.25)
    assert ratios[4] == pytest.approx(2.0)
    assert surged.cells[0].surge == pytest.approx(3.0)
    assert any(n.code == "surge_applied" for n in surged.notes)


def test_the_factor_of_a_kind_of_event_is_learned_from_the_history() -> None:
    past = [datetime.combine(MONDAY + timedelta(days=d), time(16, 30), tzinfo=PARIS_WINTER)
            for d in (17, 38)]

    def surge(start: datetime) -> float:
        factor = 1.0
        for at in past:
            if start >= at:
                hours = _open_hours(at, start)
                factor *= 1 + 2.0 * 0.5 ** (hours / 4.0)
        return factor

    text = history_csv(MONDAY, 56, surge=surge, events={at: "allocution" for at in past})
    future = SurgeEvent(datetime.combine(MONDAY + timedelta(weeks=8, days=-3), time(20),
                                         tzinfo=PARIS_WINTER), "allocution")
    result = _forecast(text, MONDAY + timedelta(weeks=8), 1, events=(future,))
    (learned,) = result.surges
    assert learned.factor == pytest.approx(3.0, rel=0.08)
    assert learned.decay_hours == 4.0 and learned.events == 2
    assert result.cells[0].surge == pytest.approx(learned.factor)
    plain = _forecast(text, MONDAY + timedelta(weeks=8), 1)
    # the surged days were kept out of the baseline: the plain forecast is the calm level
    assert plain.cells[3].volume == pytest.approx(120 * CURVE[3], rel=0.03)


def _open_hours(at: datetime, start: datetime) -> float:
    hours, moment = 0.0, at
    while moment < start:
        if moment.weekday() < 5 and 9 <= moment.hour < 17:
            hours += 0.5
        moment += timedelta(minutes=30)
    return hours


def test_an_event_without_factor_needs_a_past_one_of_its_kind() -> None:
    event = SurgeEvent(datetime(2020, 3, 2, 20, tzinfo=PARIS_WINTER), "allocution", line=3)
    with pytest.raises(ValidationError, match="events line 3: no factor for 'allocution'"):
        _forecast(history_csv(MONDAY, 56), MONDAY + timedelta(weeks=8), 1, events=(event,))


def test_refusals() -> None:
    text = history_csv(MONDAY, 28)
    with pytest.raises(ValidationError, match="within the history"):
        _forecast(text, MONDAY + timedelta(days=20), 1)
    with pytest.raises(ValidationError, match="no public holidays known for country 'XX'"):
        _forecast(text, MONDAY + timedelta(weeks=4), 1, country="XX")
    with pytest.raises(ValidationError, match="days: 1 to 366"):
        _forecast(text, MONDAY + timedelta(weeks=4), 0)
    unknown = SurgeEvent(datetime(2020, 3, 2, 20, tzinfo=PARIS_WINTER), "x", 2.0,
                         queue="elsewhere", line=2)
    with pytest.raises(ValidationError, match="queue 'elsewhere' is not in the history"):
        _forecast(text, MONDAY + timedelta(weeks=4), 1, events=(unknown,))


def test_a_time_zone_follows_daylight_saving_in_the_forecast() -> None:
    text = history_csv(date(2020, 2, 3), 7 * 7)
    result = _forecast(text, date(2020, 3, 30), 1, zone=ZoneInfo("Europe/Paris"))
    assert result.cells[0].start.hour == 9
    assert result.cells[0].start.utcoffset() == timedelta(hours=2)


@given(level=st.floats(1, 500), noise=st.floats(0, 0.4), seed=st.integers(0, 100),
       saturday=st.sampled_from([0.0, 0.5]))
def test_volumes_are_positive_and_inside_their_interval(level: float, noise: float,
                                                        seed: int, saturday: float) -> None:
    text = history_csv(MONDAY, 35, level=level, noise=noise, seed=seed,
                       weekdays=(1.2, 1, 1, 1, 1, saturday, 0))
    result = _forecast(text, MONDAY + timedelta(weeks=5), 7)
    assert result.cells
    assert all(0 <= c.volume_low <= c.volume <= c.volume_high for c in result.cells)
    assert all(c.start.weekday() != 6 for c in result.cells)
    assert any(c.start.weekday() == 5 for c in result.cells) == (saturday > 0)

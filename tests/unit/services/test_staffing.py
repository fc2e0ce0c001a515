"""Staffing service: forecast parsing (CSV and records) and the plan built from it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from renfort.domain.errors import ValidationError
from renfort.services.staffing import (
    DEFAULT_MAX_ABANDON,
    StaffingOptions,
    parse_forecast_csv,
    parse_forecast_records,
    plan_staffing,
)

HEADER = "queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
FORECAST = HEADER + (
    "numero-vert,2020-03-16T19:00:00+01:00,30,1600,360,180\n"
    "numero-vert,2020-03-16T18:30:00Z,30,400,360,180\n"
    "banque,2020-03-16T18:00:00Z,30,0,300,240\n"
    "banque,2020-03-16T18:30:00Z,15,60,300,240\n"
)


def error_of(text: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_forecast_csv(text)
    return info.value


def test_parses_rows_in_order_with_utc_instants() -> None:
    rows = parse_forecast_csv(FORECAST)
    assert [r.line for r in rows] == [2, 3, 4, 5]
    assert rows[0].interval_start == datetime(2020, 3, 16, 18, 0, tzinfo=UTC)
    assert rows[0].interval_start.tzinfo is UTC
    assert (rows[3].queue, rows[3].interval_minutes, rows[3].volume) == ("banque", 15, 60.0)


def test_reads_semicolon_csv_with_decimal_commas_and_a_bom() -> None:
    text = "\ufeffqueue;interval_start;interval_minutes;volume;aht_seconds\n" \
           "q;2020-03-16T18:00:00Z;30;12,5;300,0\n"
    (row,) = parse_forecast_csv(text)
    assert (row.volume, row.aht_seconds, row.patience_seconds) == (12.5, 300.0, None)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("q,2020-03-16T18:00:00Z,30,-4,360,180", "volume", "negative"),
        ("q,2020-03-16T18:00:00Z,30,beaucoup,360,180", "volume", "not a number"),
        ("q,2020-03-16T18:00:00,30,40,360,180", "interval_start", "offset"),
        ("q,16/03/2020 18:00,30,40,360,180", "interval_start", "ISO 8601"),
        ("q,2020-03-16T18:00:00Z,0,40,360,180", "interval_minutes", "minutes"),
        ("q,2020-03-16T18:00:00Z,7.5,40,360,180", "interval_minutes", "minutes"),
        ("q,2020-03-16T18:00:00Z,30,40,0,180", "aht_seconds", "positive"),
        ("q,2020-03-16T18:00:00Z,30,40,nan,180", "aht_seconds", "finite"),
        ("q,2020-03-16T18:00:00Z,30,40,360,-1", "patience_seconds", "positive"),
        (",2020-03-16T18:00:00Z,30,40,360,180", "queue", "queue"),
        ("q,2020-03-16T18:00:00Z,30", "volume", "fields"),
    ],
)
def test_a_bad_row_is_refused_naming_its_line_and_column(row: str, column: str, words: str) -> None:
    good = "q,2020-03-16T17:30:00Z,30,40,360,180\n"
    error = error_of(HEADER + good + "\n" + row + "\n")
    assert error.details == {"line": 4, "column": column}  # the blank line 3 still counts
    assert words in error.message
    assert error.message.startswith("line 4")


def test_header_problems_are_refused() -> None:
    assert error_of("queue,interval_start,volume,aht_seconds\n").details == {
        "line": 1, "column": "interval_minutes"}
    assert error_of(HEADER.strip() + ",site\n").details == {"line": 1, "column": "site"}
    assert error_of("").details == {"line": 1, "column": None}
    assert error_of(HEADER).details == {"line": 2, "column": None}


def test_a_repeated_interval_of_a_queue_is_refused() -> None:
    text = (HEADER + "q,2020-03-16T18:00:00Z,30,4,360,180\n"
            "q,2020-03-16T19:00:00+01:00,30,4,360,180\n")
    error = error_of(text)
    assert error.details == {"line": 3, "column": "interval_start"}
    assert "line 2" in error.message


def test_records_are_parsed_like_csv_rows() -> None:
    rows = parse_forecast_records([
        {"queue": "q", "interval_start": "2020-03-16T18:00:00Z", "interval_minutes": 30,
         "volume": 100, "aht_seconds": 300.0, "patience_seconds": 120},
        {"queue": "q", "interval_start": datetime(2020, 3, 16, 18, 30, tzinfo=UTC),
         "interval_minutes": "30", "volume": "0", "aht_seconds": 300},
    ])
    assert [r.line for r in rows] == [1, 2]
    assert rows[1].volume == 0.0
    with pytest.raises(ValidationError) as info:
        parse_forecast_records([{"queue": "q", "interval_start": "2020-03-16T18:00:00Z",
                                 "interval_minutes": 30, "volume": True, "aht_seconds": 300}])
    assert info.value.details == {"line": 1, "column": "volume"}
    with pytest.raises(ValidationError) as info:
        parse_forecast_records([{"queue": "q", "colour": "blue"}])
    assert info.value.details == {"line": 1, "column": "colour"}


def test_erlang_a_plan_caps_abandonment_by_default_and_says_so() -> None:
    plan = plan_staffing(parse_forecast_csv(FORECAST), StaffingOptions(shrinkage=0.3))
    assert plan.targets.max_abandon == DEFAULT_MAX_ABANDON
    assert any("capped at 5%" in note for note in plan.notes)
    assert [r.line for r in plan.rows] == [2, 3, 4, 5]
    for row in plan.rows:
        assert row.abandon_rate <= DEFAULT_MAX_ABANDON
        assert row.sl >= 0.8
        assert row.scheduled_heads * 0.7 >= row.agents - 1e-9
    idle = plan.rows[2]
    assert (idle.agents, idle.scheduled_heads, idle.sl, idle.abandon_rate) == (0, 0, 1.0, 0.0)
    assert plan.rows[0].load_erlangs == pytest.approx(320.0)


def test_explicit_abandonment_bound_replaces_the_default() -> None:
    rows = parse_forecast_csv(FORECAST)
    lax = plan_staffing(rows, StaffingOptions(max_abandon=1.0))
    strict = plan_staffing(rows, StaffingOptions())
    assert lax.targets.max_abandon == 1.0
    assert not any("capped" in note for note in lax.notes)
    assert sum(r.agents for r in lax.rows) < sum(r.agents for r in strict.rows)
    assert max(r.abandon_rate for r in lax.rows) > 0.1  # a crisis evening without the cap


def test_erlang_c_plan_ignores_patience_and_refuses_an_abandonment_bound() -> None:
    rows = parse_forecast_csv(FORECAST)
    plan = plan_staffing(rows, StaffingOptions(model="erlang-c"))
    assert plan.targets.max_abandon is None
    assert all(r.abandon_rate == 0.0 and r.agents > r.load_erlangs for r in plan.rows if r.volume)
    with pytest.raises(ValidationError):
        plan_staffing(rows, StaffingOptions(model="erlang-c", max_abandon=0.05))


def test_erlang_a_needs_a_patience_on_every_row() -> None:
    text = HEADER + "q,2020-03-16T18:00:00Z,30,40,360,180\nq,2020-03-16T18:30:00Z,30,40,360,\n"
    with pytest.raises(ValidationError) as info:
        plan_staffing(parse_forecast_csv(text), StaffingOptions())
    assert info.value.details == {"line": 3, "column": "patience_seconds"}


def test_answered_basis_and_other_targets_are_applied() -> None:
    rows = parse_forecast_csv(FORECAST)
    options = StaffingOptions(sl_basis="answered", max_asa_seconds=10.0, max_occupancy=0.9,
                              service_level=0.9, within_seconds=20.0)
    plan = plan_staffing(rows, options)
    assert plan.targets.sl_basis == "answered"
    for row in plan.rows:
        assert row.sl >= 0.9 and row.asa_seconds <= 10.0 and row.occupancy <= 0.9
    assert any("answered calls" in note for note in plan.notes)

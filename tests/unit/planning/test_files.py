"""The chain's files: what one step writes, the next one reads back unchanged."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.planning.files import (
    forecast_csv,
    parse_forecast_cells,
    parse_requirements_csv,
    parse_shifts_csv,
    shifts_csv,
)
from renfort.planning.forecast import ForecastRequest, forecast
from renfort.planning.history import parse_history_csv
from renfort.planning.schedule import Requirement, ScheduleRequest, schedule
from renfort.planning.shift_rules import parse_rules
from renfort.services.staffing import StaffingOptions, parse_forecast_csv, plan_staffing
from tests.unit.planning.builders import history_csv
from tests.unit.planning.test_schedule import T0


def test_the_forecast_is_what_plan_staffing_reads() -> None:
    monday = date(2020, 1, 6)
    result = forecast(parse_history_csv(history_csv(monday, 28)),
                      ForecastRequest(start=monday + timedelta(weeks=4), days=1))
    text = forecast_csv(result)
    assert text.splitlines()[0] == ("queue,interval_start,interval_minutes,volume,aht_seconds,"
                                    "patience_seconds,volume_low,volume_high")
    rows = parse_forecast_csv(text)
    assert len(rows) == 16 and rows[0].patience_seconds == 180
    plan = plan_staffing(rows, StaffingOptions())
    assert plan.rows[3].agents > 0
    cells = parse_forecast_cells(text)
    assert [c.volume for c in cells] == pytest.approx([c.volume for c in result.cells],
                                                       abs=0.01)


def test_shifts_written_and_read_back_are_the_same_shifts() -> None:
    requirements = [Requirement("hotline", T0 + timedelta(minutes=30 * k), 30, 3)
                    for k in range(24)]
    result = schedule(ScheduleRequest(requirements, parse_rules(None), time_limit=3,
                                      workers=1))
    back = parse_shifts_csv(shifts_csv(result))
    assert [(s.id, s.queues, s.location, s.start, s.end, s.breaks) for s in back] == [
        (s.id, s.queues, s.location, s.start, s.end, s.breaks) for s in result.shifts]


def test_a_staffing_plan_gives_its_requirement_column() -> None:
    text = ("queue,interval_start,interval_minutes,volume,aht_seconds,agents,scheduled_heads\n"
            "hotline,2020-03-18T08:00:00+01:00,30,100,300,18,26\n")
    assert parse_requirements_csv(text)[0].agents == 26
    assert parse_requirements_csv(text, "agents")[0].agents == 18
    with pytest.raises(ValidationError, match="column scheduled_heads"):
        parse_requirements_csv(text.replace(",26", ",2.5"))


@pytest.mark.parametrize(("row", "column"), [
    ("S1,4h,q,q,site,2020-03-18T08:00:00+01:00,2020-03-18T07:00:00+01:00,", "end"),
    ("S1,4h,q,,site,2020-03-18T08:00:00+01:00,2020-03-18T12:00:00+01:00,", "queues"),
    ("S1,4h,q,q,site,2020-03-18T08:00:00+01:00,2020-03-18T12:00:00+01:00,11h/15", "breaks"),
    ("S1,4h,q,q,site,2020-03-18T08:00:00+01:00,2020-03-18T12:00:00+01:00,11:55/15", "breaks"),
])
def test_a_bad_shift_line_is_refused(row: str, column: str) -> None:
    header = "shift,template,pool,queues,location,start,end,breaks\n"
    with pytest.raises(ValidationError) as caught:
        parse_shifts_csv(header + row + "\n")
    assert caught.value.details["column"] == column

"""The history and events files: what they accept, and refusals naming line and column."""

from __future__ import annotations

from datetime import timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.planning.history import labelled_events, parse_events_csv, parse_history_csv

HEADER = "queue,interval_start,interval_minutes,volume\n"


def test_rows_keep_the_offset_they_were_written_with() -> None:
    rows = parse_history_csv(HEADER + "hotline,2020-03-16T09:00:00+01:00,30,12\n"
                                      "hotline,2020-03-16T09:30:00Z,30,0\n")
    assert [r.volume for r in rows] == [12.0, 0.0]
    assert rows[0].start.utcoffset() == timedelta(hours=1)
    assert rows[0].start.hour == 9


def test_semicolons_and_decimal_commas_from_a_french_spreadsheet() -> None:
    rows = parse_history_csv("\ufeffqueue;interval_start;interval_minutes;volume;aht_seconds\n"
                             "hotline;2020-03-16T09:00:00+01:00;30;12,5;301,5\n")
    assert rows[0].volume == 12.5 and rows[0].aht_seconds == 301.5


@pytest.mark.parametrize(("row", "line", "column"), [
    ("hotline,2020-03-16T09:00:00,30,12", 2, "interval_start"),
    ("hotline,yesterday,30,12", 2, "interval_start"),
    ("hotline,2020-03-16T09:00:00Z,7,12", 2, "interval_minutes"),
    ("hotline,2020-03-16T09:00:00Z,30,-1", 2, "volume"),
    ("hotline,2020-03-16T09:00:00Z,30,many", 2, "volume"),
    (",2020-03-16T09:00:00Z,30,1", 2, "queue"),
])
def test_a_bad_cell_names_its_line_and_column(row: str, line: int, column: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_history_csv(HEADER + row + "\n")
    assert caught.value.details == {"line": line, "column": column}


def test_the_same_interval_twice_is_refused_with_the_first_line() -> None:
    with pytest.raises(ValidationError, match="already has this interval on line 2"):
        parse_history_csv(HEADER + "q,2020-03-16T09:00:00Z,30,1\n"
                                   "q,2020-03-16T10:00:00+01:00,30,2\n")


def test_unknown_or_missing_columns_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown column 'calls'"):
        parse_history_csv("queue,interval_start,interval_minutes,calls\n")
    with pytest.raises(ValidationError, match="missing column 'volume'"):
        parse_history_csv("queue,interval_start,interval_minutes\nq,2020-03-16T09:00Z,30\n")
    with pytest.raises(ValidationError, match="no rows"):
        parse_history_csv(HEADER)


def test_events_with_and_without_factor_and_the_labels_of_the_history() -> None:
    events = parse_events_csv("at,kind,factor,decay_hours,queue\n"
                              "2020-03-16T20:00:00+01:00,allocution,3,6,\n"
                              "2020-03-18T12:00:00+01:00,allocution,,,hotline\n")
    assert events[0].factor == 3 and events[0].decay_hours == 6 and events[0].queue is None
    assert events[1].factor is None and events[1].queue == "hotline"
    rows = parse_history_csv(HEADER.strip() + ",event\nq,2020-03-16T19:30:00+01:00,30,5,"
                             "allocution\nq,2020-03-16T20:00:00+01:00,30,5,\n")
    (label,) = labelled_events(rows)
    assert label.kind == "allocution" and label.queue == "q" and label.factor is None


@pytest.mark.parametrize(("row", "column"), [
    ("2020-03-16T20:00:00+01:00,allocution,0", "factor"),
    ("2020-03-16T20:00:00+01:00,allocution,80", "factor"),
    ("2020-03-16T20:00:00,allocution,2", "at"),
    ("2020-03-16T20:00:00Z,,2", "kind"),
])
def test_bad_events_are_refused(row: str, column: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_events_csv("at,kind,factor\n" + row + "\n")
    assert caught.value.details["column"] == column

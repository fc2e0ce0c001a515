"""Callback timing: opening hours, first attempt, retries by policy."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.callbacks import (
    CallbackPolicy,
    OpeningHours,
    after_failure,
    check_number,
    first_due,
)
from renfort.domain.clock import PARIS
from renfort.domain.errors import ValidationError

HOURS = OpeningHours(time(8, 0), time(20, 0))


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_asked_in_the_evening_called_at_next_opening() -> None:
    due = first_due(_at("2020-03-17T21:30:00+01:00"), None, None, HOURS)
    assert due == _at("2020-03-18T08:00:00+01:00")
    early = first_due(_at("2020-03-17T06:00:00+01:00"), None, None, HOURS)
    assert early == _at("2020-03-17T08:00:00+01:00")


def test_a_window_starts_the_first_attempt() -> None:
    now = _at("2020-03-17T10:00:00+01:00")
    assert first_due(now, _at("2020-03-17T14:00:00+01:00"), _at("2020-03-17T15:00:00+01:00"),
                     HOURS) == _at("2020-03-17T14:00:00+01:00")
    with pytest.raises(ValidationError):
        first_due(now, _at("2020-03-17T15:00:00+01:00"), _at("2020-03-17T14:00:00+01:00"), HOURS)
    with pytest.raises(ValidationError):
        first_due(now, None, _at("2020-03-17T09:00:00+01:00"), HOURS)


def test_three_attempts_fifteen_minutes_apart() -> None:
    policy = CallbackPolicy()
    now = _at("2020-03-17T14:00:00+01:00")
    assert after_failure(1, now, policy, HOURS) == now + 900
    assert after_failure(2, now, policy, HOURS) == now + 900
    assert after_failure(3, now, policy, HOURS) is None
    late = _at("2020-03-17T19:50:00+01:00")
    assert after_failure(1, late, policy, HOURS) == _at("2020-03-18T08:00:00+01:00")


def test_numbers_and_hours_are_checked() -> None:
    assert check_number(" +33 6 12 34 56 78 ") == "+33 6 12 34 56 78"
    for bad in ("", "abc", "12", "06 12 34 56 78; drop"):
        with pytest.raises(ValidationError):
            check_number(bad)
    assert OpeningHours.parse("09:30-18:00") == OpeningHours(time(9, 30), time(18, 0))
    for bad in ("9h-18h", "18:00-09:00"):
        with pytest.raises(ValidationError):
            OpeningHours.parse(bad)


@given(st.floats(min_value=1.5e9, max_value=1.9e9))
def test_next_opening_is_open_and_never_earlier(instant: float) -> None:
    opening = HOURS.next_opening(instant)
    assert opening >= instant and HOURS.is_open(opening)
    assert opening - instant < 13 * 3600  # a closed night lasts 12 h (13 across DST)
    # Either it was open already, or the call waits for the opening itself.
    assert opening == instant or datetime.fromtimestamp(opening, tz=PARIS).time() == HOURS.opens

"""The ranges every value must lie in before it is stored.

A value accepted once is read back by every page and report of every tenant who may see
it: a waiver ending in year 9999 or a service-level delay of ``1e999`` seconds would break
them all (Paris time of year 10000, arithmetic on infinity). So each entry point (the API's
request models, the pages' forms, the command line) refuses values outside these ranges
with a clear message, and nothing is written.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

from renfort.domain.errors import ValidationError

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_DURATION_SECONDS = 30 * 86_400.0
"""Longest delay a queue or contract may name (service-level delay, overflow threshold)."""
MAX_QUEUES_PER_REFERENCE = 100
"""Most queues one contract or one waiver may cover (the demo's largest covers four)."""
MAX_ID = 80
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
"""Identifiers chosen by a caller: lower-case ASCII letters, digits and dashes. They end up
in URLs and ``Location`` headers, which carry only Latin-1."""
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
SKILL_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
USERNAME_PATTERN = r"^[A-Za-z0-9._-]{3,100}$"
_ID = re.compile(ID_PATTERN)


def is_id(value: str) -> bool:
    return bool(_ID.match(value))


def check_id(value: str, field: str = "id") -> str:
    if not isinstance(value, str) or not is_id(value):
        raise ValidationError(f"{field}: 1–{MAX_ID} lower-case letters, digits or dashes",
                              {"field": field}, reason="id-format", values={"max": MAX_ID})
    return value


_DAY_RANGE = {"earliest": EARLIEST_DAY, "latest": LATEST_DAY}


def instant_problem(moment: datetime) -> str | None:
    """Why ``moment`` may not be stored, or ``None``."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        return f"must lie between {EARLIEST_DAY} and {LATEST_DAY}"
    return None


def check_instant(moment: datetime, field: str) -> datetime:
    problem = instant_problem(moment)
    if problem:
        raise ValidationError(f"{field}: {problem}", {"field": field},
                              reason="date-out-of-range", values=_DAY_RANGE)
    return moment


def check_posix(instant: float, field: str) -> float:
    """The same bound for an instant given as POSIX seconds."""
    if not math.isfinite(instant) or not EARLIEST.timestamp() <= instant <= LATEST.timestamp():
        raise ValidationError(f"{field}: must lie between {EARLIEST_DAY} and {LATEST_DAY}",
                              {"field": field},
                              reason="date-out-of-range", values=_DAY_RANGE)
    return instant


def day_problem(day: date) -> str | None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return f"must lie between {EARLIEST_DAY} and {LATEST_DAY}"
    return None


def check_day(day: date, field: str) -> date:
    problem = day_problem(day)
    if problem:
        raise ValidationError(f"{field}: {problem}", {"field": field},
                              reason="date-out-of-range", values=_DAY_RANGE)
    return day


def check_seconds(value: float | None, field: str, *, zero: bool = False) -> None:
    """A finite delay up to :data:`MAX_DURATION_SECONDS` (``None`` passes)."""
    if value is None:
        return
    low_ok = value >= 0 if zero else value > 0
    if not math.isfinite(value) or not low_ok or value > MAX_DURATION_SECONDS:
        raise ValidationError(
            f"{field}: a number of seconds {'from 0' if zero else 'above 0'} up to "
            f"{MAX_DURATION_SECONDS:.0f} (30 days)", {"field": field},
            reason="seconds-out-of-range", values={"max": int(MAX_DURATION_SECONDS)})

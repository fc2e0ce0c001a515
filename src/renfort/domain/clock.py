"""Time sources.

The pure packages never read the wall clock: they take a :class:`Clock`. Time is a float of
seconds. In production it is POSIX time (UTC); in the simulator it is virtual seconds from the
start of the scenario. The same router code runs on both.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
"""The federation's civil time: its days (today's figures, a consultation's date, the hours
on the pages) are French days, whatever the server's time zone."""


class Clock(Protocol):
    """Anything that tells the current time in seconds."""

    def now(self) -> float: ...


class SystemClock:
    """Wall-clock POSIX time; the only clock the live service uses."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock moved by hand: tests and the simulator's virtual time."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def set(self, instant: float) -> None:
        if instant < self._now:
            raise ValueError("a clock never goes back in time")
        self._now = instant

    def advance(self, seconds: float) -> None:
        self.set(self._now + seconds)


def local_date(instant: float) -> date:
    """The day in France at POSIX instant ``instant``."""
    return datetime.fromtimestamp(instant, tz=PARIS).date()


def to_iso(instant: float | None) -> str | None:
    """POSIX seconds → ISO 8601 UTC text, as the API writes instants; ``None`` stays ``None``."""
    return None if instant is None else to_datetime(instant).isoformat()


def to_datetime(instant: float) -> datetime:
    """POSIX seconds → timezone-aware UTC datetime."""
    return datetime.fromtimestamp(instant, tz=UTC)


def to_seconds(moment: datetime) -> float:
    """Timezone-aware datetime → POSIX seconds; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Renfort only handles timezone-aware times")
    return moment.timestamp()

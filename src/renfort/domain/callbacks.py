"""Callbacks: a citizen asks to be called back, now or within a time window.

A callback is its own object, apart from the contacts it gives rise to: each attempt is a
contact of channel ``callback`` offered to an agent; accepting it asks the telephony to dial.
The integration then reports ``call_answered`` (done), ``no_answer`` or ``busy`` (another
attempt after :attr:`CallbackPolicy.spacing_seconds`, until :attr:`max_attempts`). Attempts
are made only within the opening hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from renfort.domain.clock import PARIS
from renfort.domain.errors import ValidationError


class CallbackState(StrEnum):
    SCHEDULED = "scheduled"
    """Waiting for its time (the window's start, or the next attempt)."""
    QUEUED = "queued"
    """An attempt is a contact waiting for (or offered to) an agent."""
    DIALING = "dialing"
    """An agent accepted it; the telephony was asked to dial."""
    CLOSED = "closed"


class CallbackOutcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"


FAILURES = frozenset({CallbackOutcome.NO_ANSWER, CallbackOutcome.BUSY})
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{5,24}$")


@dataclass(frozen=True, slots=True)
class CallbackPolicy:
    max_attempts: int = 3
    spacing_seconds: float = 15 * 60.0


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Daily hours in Paris time when the hotline calls people back (every day)."""

    opens: time = time(8, 0)
    closes: time = time(20, 0)

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """``"08:00-20:00"``."""
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
        except ValueError:
            raise ValidationError(f"opening hours {text!r}: write them as 08:00-20:00",
                                  {"field": "hours"}, reason="hours-format") from None
        if end <= start:
            raise ValidationError("opening hours must close after they open",
                                  {"field": "hours"}, reason="hours-order")
        return cls(start, end)

    def is_open(self, instant: float) -> bool:
        local = datetime.fromtimestamp(instant, tz=PARIS).time()
        return self.opens <= local < self.closes

    def next_opening(self, instant: float) -> float:
        """``instant`` itself when open, else the next opening."""
        if self.is_open(instant):
            return instant
        local = datetime.fromtimestamp(instant, tz=PARIS)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=PARIS).timestamp()


def check_number(number: str) -> str:
    """A phone number to call back: digits, spaces, dots or dashes, an optional ``+``."""
    cleaned = number.strip()
    if not _PHONE.match(cleaned) or sum(ch.isdigit() for ch in cleaned) < 6:
        raise ValidationError("give a phone number to call back (digits, optional +)",
                              {"field": "number"}, reason="callback-number")
    return cleaned


def same_number(number: str, reference: str) -> bool:
    """A callback's number typed one way and a reference typed another (spaces, dots,
    ``+33`` or ``0``) name the same line when their last nine digits agree."""
    a, b = ("".join(ch for ch in x if ch.isdigit()) for x in (number, reference))
    return len(a) >= 6 and len(b) >= 6 and a[-9:] == b[-9:]


def first_due(now: float, window_start: float | None, window_end: float | None,
              hours: OpeningHours) -> float:
    """When the first attempt may be made: the window's start (or now), in opening hours."""
    if window_start is not None and window_end is not None and window_end <= window_start:
        raise ValidationError("the window must end after it starts", {"field": "window_end"},
                              reason="callback-window-order")
    if window_end is not None and window_end <= now:
        raise ValidationError("the window is already over", {"field": "window_end"},
                              reason="callback-window-past")
    return hours.next_opening(max(now, window_start or now))


def after_failure(attempts: int, now: float, policy: CallbackPolicy,
                  hours: OpeningHours) -> float | None:
    """When to try again after ``attempts`` failed ones; ``None`` when the policy is spent."""
    if attempts >= policy.max_attempts:
        return None
    return hours.next_opening(now + policy.spacing_seconds)

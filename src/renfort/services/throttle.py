"""Rate limits on what can be called without an account, or to get one.

The public chat and the log-in forms are open to the whole internet: a script could flood
the hotline's queues with fake hand-offs or try passwords by the thousand. Each *scope* has
a moving-window limit per caller (the client's network address), counted in this process's
memory by the ``limits`` library; a refused call raises
:class:`~renfort.domain.errors.RateLimitedError` and changes nothing. Addresses are never
written anywhere: they are personal data.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from renfort.domain.errors import RateLimitedError, ValidationError

PUBLIC_CHAT = "public_chat"
"""Each message, hand-off request or new conversation of the public self-service chat."""
LOGIN_FAILURES = "login_failures"
"""Each failed log-in; once over the limit, log-ins from that address are refused."""


def parse_limit(text: str) -> RateLimitItem | None:
    """``"60/minute"``, ``"20 per 5 minutes"``…; empty or ``off`` means no limit."""
    if text.strip().lower() in ("", "off"):
        return None
    try:
        return parse(text)
    except ValueError:
        raise ValidationError(f"not a rate limit: {text!r} (write e.g. 60/minute)",
                              {"field": "rate"}) from None


class Throttle:
    """Moving-window counters per (scope, caller)."""

    def __init__(self, limits: Mapping[str, str]) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items = {scope: item for scope, text in limits.items()
                       if (item := parse_limit(text)) is not None}

    def spend(self, scope: str, caller: str) -> None:
        """Count one call; refused (nothing counted) when the caller is over the limit."""
        item = self._items.get(scope)
        if item is not None and not self._limiter.hit(item, scope, caller):
            self._refuse(item, scope, caller)

    def check(self, scope: str, caller: str) -> None:
        """Refuse if the caller is over the limit, without counting this call."""
        item = self._items.get(scope)
        if item is not None and not self._limiter.test(item, scope, caller):
            self._refuse(item, scope, caller)

    def count(self, scope: str, caller: str) -> None:
        """Count one event (a failed log-in) without refusing anything."""
        item = self._items.get(scope)
        if item is not None:
            self._limiter.hit(item, scope, caller)

    def _refuse(self, item: RateLimitItem, scope: str, caller: str) -> None:
        reset = self._limiter.get_window_stats(item, scope, caller).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise RateLimitedError(f"too many requests in a short time: try again in {wait} s",
                               {"retry_after_seconds": wait, "limit": str(item)})

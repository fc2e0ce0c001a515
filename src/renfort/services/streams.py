"""How many live event streams one user may hold open at once (in this process).

Each stream holds a subscription, a queue of up to a thousand events and a connection; a
script opening hundreds of them for one account would starve the others. Past the cap the
stream is refused with :class:`~renfort.domain.errors.RateLimitedError` (429).
"""

from __future__ import annotations

from collections import Counter

from renfort.domain.errors import RateLimitedError


class StreamQuota:
    """Open streams counted per user id."""

    def __init__(self, per_user: int) -> None:
        self._limit = per_user
        self._open: Counter[str] = Counter()

    def check(self, user_id: str) -> None:
        """Refuse a new stream when the user already holds the maximum."""
        if self._open[user_id] >= self._limit:
            raise RateLimitedError(
                f"at most {self._limit} live event streams per user: close one first",
                {"retry_after_seconds": 5, "limit": f"{self._limit} streams"})

    def open(self, user_id: str) -> bool:
        """Count a stream that starts; ``False`` (nothing counted) when over the cap."""
        if self._open[user_id] >= self._limit:
            return False
        self._open[user_id] += 1
        return True

    def close(self, user_id: str) -> None:
        self._open[user_id] -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]

    def open_streams(self, user_id: str) -> int:
        return self._open[user_id]

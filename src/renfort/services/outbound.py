"""Durable outbound webhooks: events for integrations, sent until they are received.

An event is a row of the ``outbox`` table written in the **same transaction** as the change
it tells (an agent's redirect of a call writes its ``transfer_requested`` event with the
contact's new state): a crash never loses one, and none is sent for a change that was
rolled back. :class:`OutboundSender`, started by the application's lifespan, POSTs each
pending event as JSON to the configured URL, oldest first, and marks it delivered on a 2xx
answer. A failure (refused connection, timeout, non-2xx) is recorded on the row and retried
later with exponential backoff (1 s, 2 s, 4 s… at most :data:`MAX_BACKOFF`), forever: an
event is never dropped. Several processes may run a sender: each row is claimed by pushing
its next attempt forward before sending, and the receiver de-duplicates on
``X-Renfort-Delivery`` (at-least-once delivery).

The sender is supervised: an exception in its loop (the store unreachable, a bug) is logged
and the loop goes on after a pause.

Signature: ``X-Renfort-Signature: sha256=<hex>`` is the HMAC-SHA256, keyed with the shared
secret, of ``<X-Renfort-Timestamp>.<raw body>``; a receiver recomputes it and refuses a
timestamp older than a few minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update

from renfort.domain.clock import Clock
from renfort.store import safety_tables as s

log = logging.getLogger("renfort.outbound")
MAX_BACKOFF = 300.0
TELEPHONY = "telephony"
Post = Callable[[str, bytes, dict[str, str]], int]
"""``(url, body, headers) → HTTP status``; raises ``OSError`` when nothing answered."""


def event_row(channel: str, event: str, payload: dict[str, Any], now: float
              ) -> dict[str, Any]:
    """An outbox row, to insert in the transaction of the change it tells."""
    return {"channel": channel, "event": event, "payload": {"event": event, **payload},
            "created_at": now, "attempts": 0, "next_attempt_at": now}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``timestamp.body`` keyed with ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones."""
    return min(MAX_BACKOFF, float(2 ** min(attempts - 1, 16)))


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass(frozen=True)
class Target:
    url: str
    secret: str


class OutboundSender:
    """Sends the pending events of one channel to its URL (see the module)."""

    def __init__(self, engine: Engine, clock: Clock, channel: str, target: Target | None,
                 *, poll_seconds: float = 1.0, post: Post = http_post) -> None:
        self._engine = engine
        self._clock = clock
        self._channel = channel
        self._target = target
        self._poll = poll_seconds
        self._post = post
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.failures = 0
        """Loop iterations that raised (logged, then the loop went on)."""

    @property
    def configured(self) -> bool:
        return self._target is not None

    def start(self) -> None:
        if self._target is None:
            log.warning("no %s webhook URL configured: its events wait in the outbox",
                        self._channel)
            return
        self._task = asyncio.create_task(self._run(), name=f"renfort-outbound-{self._channel}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Send now rather than at the next poll (after a commit that wrote events)."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # supervised: log, pause, go on
                self.failures += 1
                log.exception("outbound %s: sending failed; retrying", self._channel)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            self._wake.clear()

    async def run_once(self, limit: int = 50) -> int:
        """Try every event due now; returns how many were delivered."""
        if self._target is None:
            return 0
        due = await asyncio.to_thread(self._claim, limit)
        delivered = 0
        for row_id, event, payload in due:
            ok, error = await asyncio.to_thread(self._send, row_id, event, payload)
            await asyncio.to_thread(self._settle, row_id, ok, error)
            delivered += ok
        return delivered

    def _claim(self, limit: int) -> list[tuple[int, str, dict[str, Any]]]:
        """Due rows, each pushed forward so that another sender leaves it alone."""
        now = self._clock.now()
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(s.outbox.c.id, s.outbox.c.event, s.outbox.c.payload,
                       s.outbox.c.attempts)
                .where(s.outbox.c.channel == self._channel)
                .where(s.outbox.c.delivered_at.is_(None))
                .where(s.outbox.c.next_attempt_at <= now)
                .order_by(s.outbox.c.id).limit(limit)
                # Several processes send (PostgreSQL): each takes rows the others do not.
                .with_for_update(skip_locked=True)).all()
            for row_id, _, _, attempts in rows:
                conn.execute(update(s.outbox).where(s.outbox.c.id == row_id)
                             .values(next_attempt_at=now + backoff(attempts + 1)))
        return [(int(r[0]), str(r[1]), dict(r[2])) for r in rows]

    def _send(self, row_id: int, event: str, payload: dict[str, Any]
              ) -> tuple[bool, str | None]:
        assert self._target is not None
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(self._clock.now()))
        headers = {"Content-Type": "application/json", "X-Renfort-Event": event,
                   "X-Renfort-Delivery": str(row_id), "X-Renfort-Timestamp": timestamp,
                   "X-Renfort-Signature": sign(self._target.secret, timestamp, body)}
        try:
            status = self._post(self._target.url, body, headers)
        except OSError as error:
            return False, f"{type(error).__name__}: {error}"[:500]
        if 200 <= status < 300:
            return True, None
        return False, f"HTTP {status}"

    def _settle(self, row_id: int, ok: bool, error: str | None) -> None:
        now = self._clock.now()
        with self._engine.begin() as conn:
            if ok:
                conn.execute(update(s.outbox).where(s.outbox.c.id == row_id)
                             .values(delivered_at=now, attempts=s.outbox.c.attempts + 1,
                                     last_error=None))
                return
            attempts = conn.execute(select(s.outbox.c.attempts)
                                    .where(s.outbox.c.id == row_id)).scalar_one() + 1
            conn.execute(update(s.outbox).where(s.outbox.c.id == row_id)
                         .values(attempts=attempts, last_error=error,
                                 next_attempt_at=now + backoff(attempts)))
            log.warning("outbound %s: event %s not delivered (attempt %d): %s",
                        self._channel, row_id, attempts, error)

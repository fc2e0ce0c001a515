"""Server-Sent Events over the in-process bus: one subscription, heartbeats, clean exit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from fastapi.responses import StreamingResponse

from renfort.services.events import EventBus, LiveEvent
from renfort.services.principals import Principal
from renfort.services.streams import StreamQuota

HEARTBEAT_SECONDS = 15.0
REVOCATION_CHECK_SECONDS = 0.25
"""How often a stream asks whether its session still holds (a logout ends it within 1 s)."""


def event_stream(request: Request, bus: EventBus, listener: Principal,
                 encode: Callable[[LiveEvent], str | None], *,
                 alive: Callable[[], bool] | None = None,
                 quota: StreamQuota | None = None) -> StreamingResponse:
    """``text/event-stream`` of the events ``listener`` may see, as ``encode`` writes them.

    ``encode`` returns the SSE text of an event, or ``None`` to skip it. A comment line
    every 15 s keeps proxies from closing the stream; the stream ends when the client goes
    away or falls too far behind (it then fetches a snapshot and reconnects), and as soon
    as ``alive`` says the session behind it ended (logout, user deleted, role changed).
    ``quota`` counts the stream against the listener's open streams while it runs.
    """
    subscription = bus.subscribe(listener)
    wait = REVOCATION_CHECK_SECONDS if alive is not None else HEARTBEAT_SECONDS

    async def stream() -> AsyncIterator[str]:
        counted = quota is None or quota.open(listener.user_id)
        try:
            if not counted:
                return
            yield "retry: 2000\n\n"
            quiet = 0.0
            while not subscription.lost:
                try:
                    event = await asyncio.wait_for(subscription.inbox.get(), wait)
                except TimeoutError:
                    if alive is not None and not alive():
                        return
                    quiet += wait
                    if quiet < HEARTBEAT_SECONDS:
                        continue
                    quiet = 0.0
                    if await request.is_disconnected():
                        return
                    yield ": heartbeat\n\n"
                    continue
                if alive is not None and not alive():
                    return
                text = encode(event)
                if text is not None:
                    yield text
        finally:
            bus.unsubscribe(subscription)
            if quota is not None and counted:
                quota.close(listener.user_id)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

"""Server-Sent Events over the in-process bus: one subscription, heartbeats, clean exit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from fastapi.responses import StreamingResponse

from renfort.services.events import EventBus, LiveEvent
from renfort.services.principals import Principal

HEARTBEAT_SECONDS = 15.0


def event_stream(request: Request, bus: EventBus, listener: Principal,
                 encode: Callable[[LiveEvent], str | None]) -> StreamingResponse:
    """``text/event-stream`` of the events ``listener`` may see, as ``encode`` writes them.

    ``encode`` returns the SSE text of an event, or ``None`` to skip it. A comment line
    every 15 s keeps proxies from closing the stream; the stream ends when the client goes
    away or falls too far behind (it then fetches a snapshot and reconnects).
    """
    subscription = bus.subscribe(listener)

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 2000\n\n"
            while not subscription.lost:
                try:
                    event = await asyncio.wait_for(subscription.inbox.get(),
                                                   HEARTBEAT_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": heartbeat\n\n"
                    continue
                text = encode(event)
                if text is not None:
                    yield text
        finally:
            bus.unsubscribe(subscription)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

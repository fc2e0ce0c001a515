"""Live events over Server-Sent Events, filtered by the caller's tenant."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from renfort.api.deps import PrincipalDep, RuntimeDep

router = APIRouter(tags=["events"])
HEARTBEAT_SECONDS = 15.0


@router.get("/events")
async def events(request: Request, rt: RuntimeDep, who: PrincipalDep) -> StreamingResponse:
    """``text/event-stream`` of contact and agent events visible to the caller.

    Each event has an increasing ``id``; a comment line is sent every 15 s to keep proxies
    from closing the stream. When the stream ends, fetch a fresh snapshot, then reconnect.
    """
    subscription = rt.bus.subscribe(who)

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
                payload = json.dumps(event.data, separators=(",", ":"))
                yield f"id: {event.id}\nevent: {event.type}\ndata: {payload}\n\n"
        finally:
            rt.bus.unsubscribe(subscription)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

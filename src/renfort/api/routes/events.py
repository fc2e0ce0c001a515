"""Live events over Server-Sent Events, filtered by the caller's tenant."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from renfort.api.deps import PrincipalDep, RuntimeDep, session_token
from renfort.api.sse import event_stream
from renfort.services import masking
from renfort.services.events import LiveEvent
from renfort.services.principals import Principal

router = APIRouter(tags=["events"])


def _encode(event: LiveEvent, who: Principal) -> str:
    payload = json.dumps(masking.event_data(event, who), separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {payload}\n\n"


@router.get("/events")
async def events(request: Request, rt: RuntimeDep, who: PrincipalDep) -> StreamingResponse:
    """``text/event-stream`` of contact and agent events visible to the caller.

    Each event has an increasing ``id``; a comment line is sent every 15 s to keep proxies
    from closing the stream. When the stream ends, fetch a fresh snapshot, then reconnect.
    It ends within a second of a logout (or of the user's deletion or role change); a user
    holds at most ``RENFORT_SSE_STREAMS_PER_USER`` streams at once (429 beyond).
    """
    rt.streams.check(who.user_id)
    token = session_token(request)
    alive = (lambda: rt.auth.session_alive(token)) if token else None
    return event_stream(request, rt.bus, who, lambda event: _encode(event, who), alive=alive,
                        quota=rt.streams)

"""Server-Sent Events over the bus: resumption, heartbeats, and an end that always comes.

A client that reconnects with ``Last-Event-ID`` (browsers do it by themselves) first gets
the events it missed, or a ``reset`` event when they are no longer known. A stream ends when
the client goes away, when it falls too far behind (it then resumes from its last id), when
the session behind it ends (logout, user deleted, role changed: within a second), and when
the server stops (so that a SIGTERM is never held up by open streams).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from fastapi.responses import StreamingResponse

from renfort.services.events import RESET, EventBus, LiveEvent
from renfort.services.principals import Principal
from renfort.services.streams import StreamQuota

HEARTBEAT_SECONDS = 15.0
REVOCATION_CHECK_SECONDS = 0.25
"""How often a stream asks whether its session still holds (a logout ends it within 1 s)."""


def sse_text(event_type: str, data: str, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event_type}\ndata: {data}\n\n"


def event_stream(request: Request, bus: EventBus, listener: Principal,
                 encode: Callable[[LiveEvent], str | None], *, resumable: bool = True,
                 alive: Callable[[], bool] | None = None,
                 quota: StreamQuota | None = None) -> StreamingResponse:
    """``text/event-stream`` of the events ``listener`` may see, as ``encode`` writes them.

    ``encode`` returns the SSE text of an event, or ``None`` to skip it; missed events sent
    on resumption go through it too. A comment line every 15 s keeps proxies from closing
    the stream. ``alive`` says whether the session behind the stream still holds; ``quota``
    counts the stream against the listener's open streams while it runs.
    """
    # The pages reopen a stream themselves after a loss (with a growing delay, not the
    # browser's fixed retry): a new EventSource cannot set the header, so they pass the id.
    last_id = (request.headers.get("last-event-id")
               or request.query_params.get("last_event_id")) if resumable else None
    subscription = bus.subscribe(listener, last_id)
    ending: asyncio.Event | None = getattr(request.app.state, "ending", None)
    wait = REVOCATION_CHECK_SECONDS if alive is not None else HEARTBEAT_SECONDS

    async def next_event() -> LiveEvent | None:
        """The next event, or None after ``wait`` seconds or when the stream must end."""
        get = asyncio.ensure_future(subscription.inbox.get())
        waits: set[asyncio.Future[object]] = {get}  # type: ignore[arg-type]
        waits.add(asyncio.ensure_future(subscription.ended.wait()))
        if ending is not None:
            waits.add(asyncio.ensure_future(ending.wait()))
        done, pending = await asyncio.wait(waits, timeout=wait,
                                           return_when=asyncio.FIRST_COMPLETED)
        for future in pending:
            future.cancel()
        if get in done:
            return get.result()
        return None

    def over() -> bool:
        return subscription.lost or (ending is not None and ending.is_set()) \
            or (alive is not None and not alive())

    async def stream() -> AsyncIterator[str]:
        counted = quota is None or quota.open(listener.user_id)
        try:
            if not counted:
                return
            yield "retry: 2000\n\n"
            if subscription.reset:
                yield sse_text(RESET, "{}", bus.last_id())
            for missed in subscription.missed:
                text = encode(missed)
                if text is not None:
                    yield text
            quiet = 0.0
            while not over():
                event = await next_event()
                if over():
                    return
                if event is None:
                    quiet += wait
                    if quiet < HEARTBEAT_SECONDS:
                        continue
                    quiet = 0.0
                    if await request.is_disconnected():
                        return
                    yield ": heartbeat\n\n"
                    continue
                text = encode(event)
                if text is not None:
                    yield text
        finally:
            bus.unsubscribe(subscription)
            if quota is not None and counted:
                quota.close(listener.user_id)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

"""The public citizen chat (``/chat``, no login): a question gets the self-service answer
with its source and date, a redirect (medical, urgent, psychological), or an agent whose
replies then appear live.

The conversation is the knowledge service's public self-service conversation; its
unguessable id is kept in an HttpOnly, SameSite=strict cookie limited to ``/chat`` (never
in the address, so it does not leak through history or referrers). ``/chat/events`` streams
a bare ``update`` signal when the conversation's hand-off contact changes; the page then
reloads the conversation fragment. Nothing else about the contact leaves the server.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep, caller_address
from renfort.api.sse import event_stream
from renfort.bootstrap import Runtime
from renfort.domain.clock import PARIS
from renfort.domain.contacts import FINAL_STATES, ContactState
from renfort.domain.errors import NotFoundError, RenfortError
from renfort.knowledge.articles import HOTLINE_BASE
from renfort.services.callbacks import CallbackService
from renfort.services.citizen_chat import conversation_view, waiting_estimate
from renfort.services.principals import Principal, Role
from renfort.services.throttle import PUBLIC_CHAT
from renfort.web.refusals import refusal
from renfort.web.support import check_origin, error_text, page
from renfort.web.templating import message, render

router = APIRouter(prefix="/chat", dependencies=[Depends(check_origin)])
CHAT_COOKIE = "renfort_chat"
COOKIE_SECONDS = 24 * 3600


def _view(rt: Runtime, conversation_id: str | None) -> dict[str, Any] | None:
    if not conversation_id:
        return None
    try:
        return conversation_view(rt.engine, rt.self_service, conversation_id)
    except NotFoundError:
        return None


def _context(view: dict[str, Any] | None, reply: dict[str, Any] | None = None,
             error: str | None = None, rt: Runtime | None = None,
             notice: str | None = None) -> dict[str, Any]:
    contact = view["contact"] if view else None
    waiting = bool(contact) and contact is not None and \
        contact["state"] not in {str(s) for s in FINAL_STATES}
    joined = bool(contact) and contact is not None \
        and contact["state"] in (str(ContactState.ACCEPTED), str(ContactState.WRAP_UP))
    estimate = None
    if rt is not None and contact is not None and waiting and not joined:
        estimate = waiting_estimate(rt.engine, rt.desk, rt.clock.now(), contact["id"])
    # the conversation with an agent is over once the contact is final and the citizen has
    # not written to the assistant since
    ended = bool(contact) and not waiting and view is not None and \
        view["state"] == "handed_off"
    return {"view": view, "reply": reply, "error": error, "contact": contact,
            "with_agent": waiting, "agent_joined": joined, "estimate": estimate,
            "ended": ended, "notice": notice}


def _fragment(request: Request, context: dict[str, Any],
              conversation_id: str | None = None) -> HTMLResponse:
    response = render(request, "chat/log.html", context)
    if conversation_id:
        response.set_cookie(CHAT_COOKIE, conversation_id, httponly=True, samesite="strict",
                            path="/chat", max_age=COOKIE_SECONDS,
                            secure=request.app.state.runtime.settings.cookie_secure)
    return response


@router.get("")
async def chat_page(request: Request, rt: RuntimeDep) -> HTMLResponse:
    view = await asyncio.to_thread(_view, rt, request.cookies.get(CHAT_COOKIE))
    return page(request, "chat/page.html", None, None,
                {**_context(view, rt=rt), "public": True})


@router.get("/log")
async def conversation(request: Request, rt: RuntimeDep) -> HTMLResponse:
    view = await asyncio.to_thread(_view, rt, request.cookies.get(CHAT_COOKIE))
    return _fragment(request, _context(view, rt=rt))


@router.post("/messages")
async def send(request: Request, rt: RuntimeDep,
               message: Annotated[str, Form()] = "") -> HTMLResponse:
    """The citizen's question: starts the conversation, or continues it."""
    conversation_id = request.cookies.get(CHAT_COOKIE)
    view = await asyncio.to_thread(_view, rt, conversation_id)
    try:
        rt.throttle.spend(PUBLIC_CHAT, caller_address(request))
        if view is None:
            reply = await rt.self_service.start(HOTLINE_BASE, message)
        else:
            reply = await rt.self_service.say(view["conversation_id"], message)
    except RenfortError as error:
        return _fragment(request, _context(view, error=error_text(error), rt=rt))
    conversation_id = str(reply["conversation_id"])
    view = await asyncio.to_thread(_view, rt, conversation_id)
    return _fragment(request, _context(view, reply, rt=rt), conversation_id)


@router.post("/agent")
async def ask_agent(request: Request, rt: RuntimeDep) -> HTMLResponse:
    """"Talk to an agent": the conversation so far goes to a human."""
    view = await asyncio.to_thread(_view, rt, request.cookies.get(CHAT_COOKIE))
    if view is None:
        return _fragment(request, _context(None))
    try:
        rt.throttle.spend(PUBLIC_CHAT, caller_address(request))
        reply = await rt.self_service.ask_agent(view["conversation_id"])
    except RenfortError as error:
        return _fragment(request, _context(view, error=error_text(error), rt=rt))
    view = await asyncio.to_thread(_view, rt, view["conversation_id"])
    return _fragment(request, _context(view, reply, rt=rt))


@router.post("/callback")
async def ask_callback(request: Request, rt: RuntimeDep,
                       number: Annotated[str, Form()] = "", day: Annotated[str, Form()] = "",
                       start: Annotated[str, Form()] = "",
                       end: Annotated[str, Form()] = "") -> HTMLResponse:
    """"Call me back": a number, and a slot (Paris time) or as soon as possible."""
    view = await asyncio.to_thread(_view, rt, request.cookies.get(CHAT_COOKIE))
    if view is None:
        return _fragment(request, _context(None, rt=rt))
    try:
        rt.throttle.spend(PUBLIC_CHAT, caller_address(request))
        window = _window(day, start, end)
        done = await CallbackService(rt.engine, rt.desk).ask_from_chat(
            view["conversation_id"], number, *window)
    except RenfortError as error:
        return _fragment(request, _context(view, error=error_text(error), rt=rt))
    return _fragment(request, {**_context(view, rt=rt), "callback": done})


def _window(day: str, start: str, end: str) -> tuple[datetime | None, datetime | None]:
    """The slot typed in Paris time; all empty: as soon as possible."""
    if not (day or start or end):
        return None, None
    try:
        when = date.fromisoformat(day)
        return (datetime.combine(when, time.fromisoformat(start), tzinfo=PARIS),
                datetime.combine(when, time.fromisoformat(end), tzinfo=PARIS))
    except ValueError:
        raise refusal(message("callback.bad_slot"), {"field": "window"}) from None


@router.post("/new")
async def new_conversation(request: Request) -> Response:
    """Forget the conversation in this browser and start again."""
    response = _fragment(request, _context(None))
    response.delete_cookie(CHAT_COOKIE, path="/chat")
    return response


@router.get("/events")
async def events(request: Request, rt: RuntimeDep) -> Response:
    """``update`` whenever the conversation's hand-off contact changes (state or message)."""
    view = await asyncio.to_thread(_view, rt, request.cookies.get(CHAT_COOKIE))
    if view is None or view["contact"] is None:
        return Response(status_code=204)
    contact = view["contact"]
    # Internal subscription scoped to the contact's client; only a bare signal about this
    # one contact is forwarded. Streams are counted per conversation, as per user.
    listener = Principal(user_id=f"citizen-chat:{view['conversation_id']}",
                         username="citizen-chat", role=Role.CLIENT_VIEWER,
                         client_id=contact["client_id"])
    rt.streams.check(listener.user_id)
    contact_id = contact["id"]
    return event_stream(
        request, rt.bus, listener,
        lambda event: "event: update\ndata: {}\n\n"
        if event.data.get("contact") == contact_id else None, quota=rt.streams)

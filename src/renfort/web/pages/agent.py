"""The agent desktop (``/agent``): presence, their seat on site, offers with their countdown,
the conversation, the customer's context and history, wrap-up, transfer (the knowledge
panel is :mod:`renfort.web.pages.agent_knowledge`).

Reads come from the desk's memory and the read models; every action is the same desk
command as the JSON API's, for the agent behind the session only.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.api.routes.safety import agent_redirect
from renfort.bootstrap import Runtime
from renfort.domain.contacts import ContactState
from renfort.domain.errors import RenfortError, ValidationError
from renfort.knowledge import policy
from renfort.services import access, contacts_read, desktop
from renfort.services import commands as c
from renfort.services.briefings import BriefingService
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal
from renfort.services.sites import SiteService, free_seat_ids, move_and_announce
from renfort.web.listing import picked
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, flash_error, page, with_trigger
from renfort.web.templating import message, render

router = APIRouter(prefix="/agent", dependencies=[Depends(check_origin)])
BREAK_REASONS = ("pause", "meal", "training", "meeting", "technical")
DISPOSITIONS = ("informed", "follow_up", "callback", "redirected", "out_of_scope", "complaint")
LIVE = (ContactState.ACCEPTED, ContactState.WRAP_UP)


def _agent(who: Principal) -> str:
    allow(who, "agent")
    assert who.agent_id is not None
    access.may_act_for(who, who.agent_id, who.outsourcer_id)
    return who.agent_id


def _panel(rt: Runtime, who: Principal, agent_id: str) -> dict[str, Any]:
    profile = Catalog(rt.engine).get(KINDS["agents"], who, agent_id)
    state = desktop.agent_state(rt.desk, agent_id)
    offers, held = [], []
    with rt.engine.connect() as conn:
        for live in rt.desk.held_by(agent_id):
            contact = contacts_read.visible_contact(conn, who, live.id)
            contact["queue_name"] = rt.desk.queue(live.queue_id).name
            if live.state is ContactState.OFFERED:
                offered = contact["offered_at"]
                contact["deadline"] = (_seconds(offered) if offered else rt.clock.now()) \
                    + rt.settings.offer_timeout_seconds
                contact["waiting_since"] = _seconds(contact["created_at"])
                contact.update(desktop.offer_context(conn, who, live.id))
                offers.append(contact)
            else:
                held.append(contact)
        alerted = desktop.alerted_contacts(conn, [h["id"] for h in held])
    for contact in held:
        contact["alert"] = contact["id"] in alerted
    return {"profile": profile, "status": str(rt.desk.view.agent(agent_id).status),
            "state": state,
            "reason": profile.get("status_reason"), "offers": offers, "held": held,
            "break_reasons": BREAK_REASONS, "now": rt.clock.now(),
            "seat": _seat(rt, who, profile),
            "briefings": [b for b in BriefingService(rt.engine, rt.clock, rt.desk)
                          .for_agent(agent_id) if b["acknowledged_at"] is None]}


def _seat(rt: Runtime, who: Principal, profile: dict[str, Any]) -> dict[str, Any] | None:
    """A site agent's own seat: where they sit now, or the seats they may take."""
    site_id = profile.get("site_id")
    if profile["works_from"] != "site" or not site_id:
        return None
    sites = SiteService(rt.engine, rt.clock)
    try:
        live = sites.occupancy(who, site_id)
    except RenfortError:  # no seat plan yet: nothing to check in on
        return None
    stay = next((s for s in live["stays"] if s["agent_id"] == profile["id"]), None)
    free = [] if stay else _free_seats(sites, who, site_id)
    return {"site": live["site"], "stay": stay, "free": picked(free, "", _seat_text),
            "free_count": len(free)}


def _free_seats(sites: SiteService, who: Principal, site_id: str) -> list[tuple[str, str]]:
    """The seats of the site one may check in on now, as (seat, "A12 (zone Nord)")."""
    seats = sites.seats(who, site_id)
    zones = {s["seat_id"]: s["zone"] for s in seats}
    return [(seat, message("sites.seat_choice", seat=seat, zone=zones[seat]))
            for seat in free_seat_ids(seats)]


def _seat_text(choice: tuple[str, str]) -> str:
    return choice[1]


@router.get("/seat/pick")
async def pick_seat(request: Request, rt: RuntimeDep, who: WebPrincipal,
                    q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """The free seats of the agent's own site matching ``q`` (a seat or a zone), as the
    ``<option>`` elements of the desk's seat select: a site of 300 seats is searched, not
    scrolled."""
    agent_id = _agent(who)

    def choices() -> list[tuple[str, str]]:
        profile = Catalog(rt.engine).get(KINDS["agents"], who, agent_id)
        if profile["works_from"] != "site" or not profile.get("site_id"):
            raise ValidationError("you are not attached to a site", {"field": "seat"})
        sites = SiteService(rt.engine, rt.clock)
        return picked(_free_seats(sites, who, profile["site_id"]), q, _seat_text)

    try:
        options = await asyncio.to_thread(choices)
    except RenfortError as error:
        return flash_error(request, error)
    return render(request, "picker_options.html", {"choices": options})


@router.post("/seat")
async def seat(request: Request, rt: RuntimeDep, who: WebPrincipal,
               action: Annotated[str, Form()], seat: Annotated[str, Form()] = "") -> HTMLResponse:
    """The agent checks in on a free seat of their site, or leaves it."""
    agent_id = _agent(who)

    def run() -> dict[str, Any]:
        profile = Catalog(rt.engine).get(KINDS["agents"], who, agent_id)
        if not profile.get("site_id"):
            raise ValidationError("you are not attached to a site", {"field": "seat"},
                                  reason="no-site-attached")
        sites = SiteService(rt.engine, rt.clock)
        if action == "take":
            return sites.check_in(who, profile["site_id"], "me", seat)
        if action == "leave":
            return sites.check_out(who, profile["site_id"], "me")
        raise ValidationError(f"unknown action {action!r}", {"field": "action"},
                              reason="unknown-action")

    try:
        await move_and_announce(rt.desk, run)
    except RenfortError as error:
        return flash_error(request, error)
    data = await asyncio.to_thread(_panel, rt, who, agent_id)
    return render(request, "agent/panel.html", {"panel": data})


@router.post("/briefings/{briefing_id}/acknowledge")
async def acknowledge_briefing(briefing_id: str, request: Request, rt: RuntimeDep,
                               who: WebPrincipal) -> HTMLResponse:
    """"J'ai lu": the topic's contacts are offered to the agent again."""
    agent_id = _agent(who)
    try:
        await BriefingService(rt.engine, rt.clock, rt.desk).acknowledge(who, briefing_id)
    except RenfortError as error:
        return flash_error(request, error)
    data = await asyncio.to_thread(_panel, rt, who, agent_id)
    return render(request, "agent/panel.html", {"panel": data})


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _workspace(rt: Runtime, who: Principal, agent_id: str, contact_id: str | None
               ) -> dict[str, Any]:
    if not contact_id:
        mine = [h.id for h in rt.desk.held_by(agent_id) if h.state in LIVE]
        with rt.engine.connect() as conn:
            alerted = desktop.alerted_contacts(conn, mine)
        # a contact whose citizen wrote something urgent comes first
        mine.sort(key=lambda held: held not in alerted)
        contact_id = mine[0] if mine else None
    if not contact_id:
        return {"contact": None}
    with rt.engine.connect() as conn:
        contact = contacts_read.contact_detail(conn, who, contact_id)
        messages = contacts_read.messages(conn, who, contact_id)
        history = desktop.customer_history(conn, who, contact_id)
        alert = desktop.safety_alert(contact["events"], rt.directory.entries(
            contact["client_id"], conn)) if contact["agent_id"] == agent_id else None
    catalog = Catalog(rt.engine)
    queue = catalog.get(KINDS["queues"], who, contact["queue"]) if contact["queue"] else None
    client = catalog.get(KINDS["clients"], who, contact["client_id"])
    targets = [q for q in catalog.list(KINDS["queues"], who)
               if q["client_id"] == contact["client_id"] and q["id"] != contact["queue"]
               and contact["channel"] in q["channels"]]
    return {"contact": contact, "messages": messages, "history": history, "queue": queue,
            "client": client, "targets": targets, "dispositions": DISPOSITIONS,
            "mine": contact["agent_id"] == agent_id, "alert": alert}


@router.get("")
async def desktop_page(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    agent_id = _agent(who)
    panel = await asyncio.to_thread(_panel, rt, who, agent_id)
    workspace = await asyncio.to_thread(_workspace, rt, who, agent_id, None)
    return page(request, "agent/page.html", who, "agent",
                {"panel": panel, "ws": workspace, "server_now": rt.clock.now()})


@router.get("/panel")
async def panel(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    agent_id = _agent(who)
    data = await asyncio.to_thread(_panel, rt, who, agent_id)
    return render(request, "agent/panel.html", {"panel": data})


@router.get("/workspace")
async def workspace(request: Request, rt: RuntimeDep, who: WebPrincipal,
                    contact: str | None = None) -> HTMLResponse:
    agent_id = _agent(who)
    data = await asyncio.to_thread(_workspace, rt, who, agent_id, contact)
    return render(request, "agent/workspace.html", {"ws": data})


@router.get("/contacts/{contact_id}/messages")
async def messages(contact_id: str, request: Request, rt: RuntimeDep,
                   who: WebPrincipal) -> HTMLResponse:
    _agent(who)

    def read() -> list[dict[str, Any]]:
        with rt.engine.connect() as conn:
            return contacts_read.messages(conn, who, contact_id)

    return render(request, "agent/messages.html",
                  {"contact_id": contact_id, "messages": await asyncio.to_thread(read)})


@router.post("/presence")
async def presence(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   action: Annotated[str, Form()],
                   reason: Annotated[str, Form()] = "") -> HTMLResponse:
    """Start the day, become available, take a break (with its reason), stop."""
    agent_id = _agent(who)

    def command() -> c.Command:
        if action == "login":
            return c.LogIn(agent_id)
        if action == "available":
            return c.SetAvailable(agent_id)
        if action == "break":
            if reason not in BREAK_REASONS:
                raise ValidationError("choose the reason of the break", {"field": "reason"},
                                      reason="break-reason-missing")
            return c.SetBreak(agent_id, message(f"break.{reason}"))
        if action == "logout":
            return c.LogOut(agent_id)
        raise ValidationError(f"unknown action {action!r}", {"field": "action"},
                              reason="unknown-action")

    try:
        await rt.desk.execute(command())
    except RenfortError as error:
        return flash_error(request, error)
    data = await asyncio.to_thread(_panel, rt, who, agent_id)
    return render(request, "agent/panel.html", {"panel": data})


async def _act(request: Request, rt: Runtime, who: Principal, contact_id: str, verb: str,
               **kwargs: str) -> HTMLResponse:
    agent_id = _agent(who)

    def visible() -> None:
        with rt.engine.connect() as conn:
            contacts_read.visible_contact(conn, who, contact_id)

    try:
        await asyncio.to_thread(visible)
        await rt.desk.execute(_COMMANDS[verb](contact_id, agent_id, **kwargs))
    except RenfortError as error:
        return flash_error(request, error)
    show = contact_id if verb in ("accept", "end") else None
    data = await asyncio.to_thread(_workspace, rt, who, agent_id, show)
    if verb in ("wrap_up", "transfer"):
        data["done"] = message(f"agent.done.{verb}")
    return with_trigger(render(request, "agent/workspace.html", {"ws": data}), "renfort:panel")


_COMMANDS: dict[str, Any] = {"accept": c.Accept, "decline": c.Decline, "end": c.End,
                             "wrap_up": c.WrapUp, "transfer": c.Transfer}


@router.post("/contacts/{contact_id}/accept")
async def accept(contact_id: str, request: Request, rt: RuntimeDep,
                 who: WebPrincipal) -> HTMLResponse:
    return await _act(request, rt, who, contact_id, "accept")


@router.post("/contacts/{contact_id}/decline")
async def decline(contact_id: str, request: Request, rt: RuntimeDep,
                  who: WebPrincipal) -> HTMLResponse:
    return await _act(request, rt, who, contact_id, "decline")


@router.post("/contacts/{contact_id}/end")
async def end(contact_id: str, request: Request, rt: RuntimeDep,
              who: WebPrincipal) -> HTMLResponse:
    return await _act(request, rt, who, contact_id, "end")


@router.post("/contacts/{contact_id}/wrap-up")
async def wrap_up(contact_id: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                  disposition: Annotated[str, Form()] = "",
                  note: Annotated[str, Form()] = "") -> HTMLResponse:
    if disposition not in DISPOSITIONS:
        return flash_error(request, ValidationError("choose a disposition",
                                                    {"field": "disposition"},
                                                    reason="choose-disposition"))
    text = disposition if not note.strip() else f"{disposition}: {note.strip()}"
    return await _act(request, rt, who, contact_id, "wrap_up", disposition=text[:100])


@router.post("/contacts/{contact_id}/transfer")
async def transfer(contact_id: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                   queue: Annotated[str, Form()] = "") -> HTMLResponse:
    if not queue:
        return flash_error(request, ValidationError("choose a queue", {"field": "queue"},
                                                    reason="choose-queue"))
    return await _act(request, rt, who, contact_id, "transfer", queue=queue)


@router.post("/contacts/{contact_id}/messages")
async def post_message(contact_id: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                       body: Annotated[str, Form()] = "") -> HTMLResponse:
    agent_id = _agent(who)

    def read() -> list[dict[str, Any]]:
        with rt.engine.connect() as conn:
            contacts_read.visible_contact(conn, who, contact_id)
            return contacts_read.messages(conn, who, contact_id)

    try:
        await asyncio.to_thread(read)
        await rt.desk.execute(c.PostMessage(contact_id, "agent", agent_id, body))
        listing = await asyncio.to_thread(read)
    except RenfortError as error:
        return flash_error(request, error)
    return render(request, "agent/messages.html",
                  {"contact_id": contact_id, "messages": listing})


@router.post("/triage")
async def triage(request: Request, rt: RuntimeDep, who: WebPrincipal,
                 text: Annotated[str, Form()] = "",
                 contact: Annotated[str, Form()] = "") -> HTMLResponse:
    """The agent types what they hear: the server-side triage, the client's redirect entry,
    and a button to redirect the contact they hold."""
    _agent(who)

    def run() -> dict[str, Any]:
        with rt.engine.begin() as conn:
            live = contacts_read.visible_contact(conn, who, contact)
            decision = rt.knowledge.bases.triage_recorded(
                conn, text, origin="agent", client_id=live["client_id"],
                asked_by=who.username)
            entry = policy.redirect_for(decision, rt.directory.entries(live["client_id"],
                                                                        conn))
        return {"result": {"label": str(decision.label), "reason": decision.reason,
                           "rule": decision.rule},
                "entry": entry.as_dict() if entry else None, "contact_id": contact,
                "text": text}

    if not 1 <= len(text.strip()) <= 2000:
        return flash_error(request, ValidationError("text: 1–2000 characters",
                                                    {"field": "text"}, reason="reply-length"))
    try:
        data = await asyncio.to_thread(run)
    except RenfortError as error:
        return flash_error(request, error)
    return render(request, "agent/triage.html", data)


@router.post("/contacts/{contact_id}/medical-redirect")
async def medical_redirect(contact_id: str, request: Request, rt: RuntimeDep,
                           who: WebPrincipal, target: Annotated[str, Form()] = "",
                           text: Annotated[str, Form()] = "") -> HTMLResponse:
    """The agent ends the contact as redirected to the medical line (warm transfer for a
    call), audited and flagged for supervisors."""
    agent_id = _agent(who)
    try:
        await agent_redirect(rt, who, contact_id, target, text or None)
    except RenfortError as error:
        return flash_error(request, error)
    data = await asyncio.to_thread(_workspace, rt, who, agent_id, None)
    data["done"] = message("agent.done.medical_redirect")
    return with_trigger(render(request, "agent/workspace.html", {"ws": data}), "renfort:panel")

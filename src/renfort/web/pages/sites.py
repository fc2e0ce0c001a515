"""Sites and telework (``/sites``): each site's seat plan with usable and blocked seats and
live occupancy against the distancing capacity (staff seat agents and free their seats; the
site's manager traces close contacts), the sanitary-measures register with the
consultations of the staff representatives, and the clients' telework waivers (a client
manager accepts or revokes theirs).

Reads and writes go through the sites, measures and catalog services that the
``/api/v1`` routes call, with the same tenant rules.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.clock import PARIS, local_date
from renfort.domain.errors import PermissionDeniedError, RenfortError
from renfort.services.catalog import KINDS, Catalog
from renfort.services.consultations import ConsultationService
from renfort.services.measures import MeasureService
from renfort.services.principals import Principal, Role
from renfort.services.sites import SiteService, free_seat_ids, move_and_announce
from renfort.services.tracing import TracingService
from renfort.web.listing import paged, picked
from renfort.web.refusals import refusal
from renfort.web.seatplan import seat_plan_svg
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, flash_error, page
from renfort.web.templating import message, render

router = APIRouter(prefix="/sites", dependencies=[Depends(check_origin)])
MEASURE_STATUSES = ("planned", "in_place", "adapted", "suspended", "not_applicable")


def _waivers(rt: Runtime, who: Principal) -> dict[str, Any]:
    catalog = Catalog(rt.engine)
    waivers = catalog.list(KINDS["waivers"], who)
    queues = {q["id"]: q for q in catalog.list(KINDS["queues"], who)}
    clients = {c["id"]: c["name"] for c in catalog.list(KINDS["clients"], who)}
    now = rt.clock.now()
    for waiver in waivers:
        waiver["client_name"] = clients.get(waiver.get("client_id", ""))
        waiver["queue_names"] = [queues[q]["name"] if q in queues else q
                                 for q in waiver["queue_ids"]]
        until = datetime.fromisoformat(waiver["valid_to"]).timestamp()
        since = datetime.fromisoformat(waiver["valid_from"]).timestamp()
        waiver["active"] = waiver["revoked_at"] is None and since <= now < until
        waiver["state"] = "revoked" if waiver["revoked_at"] else \
            "active" if waiver["active"] else "expired" if now >= until else "future"
    own = [q for q in queues.values() if who.client_id and q["client_id"] == who.client_id]
    return {"waivers": waivers, "can_accept": who.role is Role.CLIENT_VIEWER,
            "waiver_queues": own}


def _overview(rt: Runtime, who: Principal) -> dict[str, Any]:
    sites = SiteService(rt.engine, rt.clock).list_sites(who) \
        if who.role is not Role.CLIENT_VIEWER else []
    missed = ConsultationService(rt.engine, rt.clock).missed(who) \
        if who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.STAFF_REP) else []
    return {"sites": sites, "missed_consultations": missed, **_waivers(rt, who)}


def _can_seat(who: Principal) -> bool:
    return who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)


def _seat_text(seat: dict[str, Any]) -> str:
    return f"{seat['seat_id']} {seat['zone']} {seat.get('agent_name') or ''}"


def _live(rt: Runtime, who: Principal, ref: str) -> dict[str, Any]:
    """The live part of a site page: the seat plan with its figures."""
    service = SiteService(rt.engine, rt.clock)
    summary = next((s for s in service.list_sites(who) if ref in (s["id"], s["slug"])), None)
    if summary is None:
        raise refusal(message("sites.unknown"), {"site": ref})
    context: dict[str, Any] = {"site": summary}
    try:
        context["seats"] = seats = service.seats(who, ref)
        context["capacity"] = service.capacity(who, ref)
        context["occupancy"] = service.occupancy(who, ref)
        labels = {k: message(f"sites.seat.{k}")
                  for k in ("usable", "blocked", "occupied", "over")}
        # Each seat links to itself on the page (its line in the list, and the check-in
        # form set to it when free): the plan is also a way to pick a seat.
        link = f"/sites/{quote(summary['slug'])}?seat={{seat}}#seat-detail"
        context["plan"] = seat_plan_svg(seats, title=message(
            "sites.plan_title", site=summary["name"], capacity=summary["capacity"]),
            labels=labels, link=link, link_label=message("sites.seat_link"))
    except RenfortError as error:
        context["plan_error"] = error_text(error)
    return context


def _site(rt: Runtime, who: Principal, ref: str, seat: str = "", seats_q: str = "",
          seats_page: int = 1) -> dict[str, Any]:
    context = _live(rt, who, ref)
    context.update(_seat_list(context, seat, seats_q, seats_page))
    measures = MeasureService(rt.engine, rt.clock)
    context["register"] = measures.register(who, ref)
    context["titles"] = {m["code"]: m["title"] for m in context["register"]["measures"]}
    staff = who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
    rep = who.role is Role.STAFF_REP
    context["history"] = measures.history(who, ref)[-8:][::-1] if staff or rep else []
    context.update(_consultations(rt, who, ref, staff or rep))
    context["can_record"] = who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER)
    context["statuses"] = MEASURE_STATUSES
    context["today"] = local_date(rt.clock.now()).isoformat()
    context.update(_seating(rt, who, ref, context))
    return context


def _seat_list(context: dict[str, Any], seat: str, q: str, page_number: int
               ) -> dict[str, Any]:
    """The site's seats, searched and paged, with who sits where; ``seat`` (a click on
    the plan) shows that seat."""
    if "seats" not in context:
        return {}
    names = {s["seat_id"]: s for s in context["occupancy"]["stays"]} \
        if "occupancy" in context else {}
    free = set(free_seat_ids(context["seats"]))
    rows = [{**s, "agent_name": (names.get(s["seat_id"]) or {}).get("agent_name"),
             "free": s["seat_id"] in free} for s in context["seats"]]
    chosen = next((r for r in rows if r["seat_id"] == seat), None)
    return {"seat_page": paged(rows, q, page_number, _seat_text,
                               names=("seats_q", "seats_page")),
            "chosen_seat": chosen}


def _consultations(rt: Runtime, who: Principal, ref: str, allowed: bool) -> dict[str, Any]:
    """The daily checklist and minutes (staff and representatives), exposure counts
    without names (representatives and the manager)."""
    if not allowed:
        return {}
    service = ConsultationService(rt.engine, rt.clock)
    out: dict[str, Any] = {"checklist": service.checklist(who, ref),
                           "consultations": service.minutes(who, ref, limit=5),
                           "can_consult": who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER,
                                                       Role.STAFF_REP)}
    if who.role in (Role.STAFF_REP, Role.OUTSOURCER_MANAGER):
        out["exposure_counts"] = TracingService(rt.engine, rt.clock).counts(who, ref)
    return out


@router.post("/{ref}/consultations")
async def record_consultation(ref: str, request: Request, rt: RuntimeDep,
                              who: WebPrincipal) -> Response:
    """Today's consultation of the staff representatives (a past day: a late entry)."""
    allow(who, "sites")
    async with request.form() as raw:
        form = {k: str(v) for k, v in raw.items()}
    try:
        held_on = None
        if form.get("held_on"):
            try:
                held_on = date.fromisoformat(form["held_on"])
            except ValueError:
                raise refusal(message("sites.bad_date"), {"field": "held_on"}) from None
        participants = [p.strip() for p in form.get("participants", "").split(",")
                        if p.strip()]
        await asyncio.to_thread(
            ConsultationService(rt.engine, rt.clock).record, who, ref,
            participants=participants, minutes=form.get("minutes", ""),
            opinion=form.get("opinion", ""), held_on=held_on, late=bool(form.get("late")))
    except RenfortError as error:
        data = await asyncio.to_thread(_site, rt, who, ref)
        return page(request, "sites/site.html", who, "sites",
                    {**data, "error": error_text(error)})
    return RedirectResponse(f"/sites/{ref}?done=consulted", status_code=303)


def _seating(rt: Runtime, who: Principal, ref: str, context: dict[str, Any]) -> dict[str, Any]:
    """Check-in and check-out by the site's staff; exposure tracing by its manager."""
    outsourcer = context["site"]["outsourcer_id"]
    can_seat = _can_seat(who) and "occupancy" in context
    can_trace = who.role is Role.OUTSOURCER_MANAGER and who.outsourcer_id == outsourcer
    out: dict[str, Any] = {"can_seat": can_seat, "can_trace": can_trace}
    if not (can_seat or can_trace):
        return out
    agents = sorted((a for a in Catalog(rt.engine).list(KINDS["agents"], who)
                     if a["outsourcer_id"] == outsourcer), key=lambda a: a["name"])
    out["site_agents"] = agents
    if can_seat:
        seated = {s["agent_id"] for s in context["occupancy"]["stays"]}
        out["free_agents"] = [a for a in agents if a["id"] not in seated]
        out["free_seats"] = free_seat_ids(context["seats"])
    if can_trace:
        out["traces"] = TracingService(rt.engine, rt.clock).traces(who, ref)[:10]
    return out


@router.get("")
async def overview(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   done: str = "") -> HTMLResponse:
    allow(who, "sites")
    data = await asyncio.to_thread(_overview, rt, who)
    notice = message(f"sites.done.{done}") if done in ("accepted", "revoked") else None
    return page(request, "sites/overview.html", who, "sites", {**data, "notice": notice})


@router.get("/{ref}")
async def site(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
               recorded: int = 0, done: str = "",
               seat: Annotated[str, Query(max_length=100)] = "",
               seats_q: Annotated[str, Query(max_length=100)] = "",
               seats_page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    allow(who, "sites")
    try:
        data = await asyncio.to_thread(_site, rt, who, ref, seat, seats_q, seats_page)
    except RenfortError as error:
        overview_data = await asyncio.to_thread(_overview, rt, who)
        return page(request, "sites/overview.html", who, "sites",
                    {**overview_data, "error": error_text(error)})
    notice = message("sites.recorded") if recorded else \
        message(f"sites.done.{done}") if done in ("seated", "left", "consulted") else None
    return page(request, "sites/site.html", who, "sites", {**data, "notice": notice})


async def _site_with(request: Request, rt: Runtime, who: Principal, ref: str,
                     extra: dict[str, Any]) -> HTMLResponse:
    data = await asyncio.to_thread(_site, rt, who, ref)
    return page(request, "sites/site.html", who, "sites", {**data, **extra})


@router.get("/{ref}/pick/{what}")
async def pick(ref: str, what: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
               q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """The check-in form's choices matching ``q``: free agents of the site's outsourcer
    (``agents``) or free seats (``seats``), as ``<option>`` elements for its select."""
    allow(who, "sites")
    if what not in ("agents", "seats"):
        raise refusal(message("sites.unknown"), {"field": "what"})

    def choices() -> list[tuple[str, str]]:
        context = _live(rt, who, ref)
        seating = _seating(rt, who, ref, context)
        if not seating["can_seat"]:
            raise PermissionDeniedError("seating is for the site's staff", {},
                                        reason="seating-staff-only")
        if what == "agents":
            return [(a["id"], a["name"]) for a in picked(
                seating["free_agents"], q, lambda a: f"{a['name']} {a['id']}")]
        zones = {s["seat_id"]: s["zone"] for s in context["seats"]}
        return [(s, message("sites.seat_choice", seat=s, zone=zones[s]))
                for s in picked(seating["free_seats"], q, lambda s: f"{s} {zones[s]}")]

    try:
        options = await asyncio.to_thread(choices)
    except RenfortError as error:
        return flash_error(request, error)
    return render(request, "picker_options.html", {"choices": options})


@router.post("/{ref}/checkin")
async def check_in(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                   agent: Annotated[str, Form()] = "",
                   seat: Annotated[str, Form()] = "") -> Response:
    """A supervisor seats an agent on a usable, free and cleaned seat."""
    allow(who, "sites")
    try:
        await move_and_announce(rt.desk, lambda: SiteService(rt.engine, rt.clock).check_in(
            who, ref, agent, seat))
    except RenfortError as error:
        return await _site_with(request, rt, who, ref, {"error": error_text(error)})
    return RedirectResponse(f"/sites/{ref}?done=seated", status_code=303)


@router.post("/{ref}/checkout")
async def check_out(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                    agent: Annotated[str, Form()] = "") -> Response:
    """The agent leaves: the seat is free again after its cleaning interval."""
    allow(who, "sites")
    try:
        await move_and_announce(rt.desk, lambda: SiteService(rt.engine, rt.clock).check_out(
            who, ref, agent))
    except RenfortError as error:
        return await _site_with(request, rt, who, ref, {"error": error_text(error)})
    return RedirectResponse(f"/sites/{ref}?done=left", status_code=303)


@router.post("/{ref}/exposure")
async def exposure(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                   agent: Annotated[str, Form()] = "", days: Annotated[str, Form()] = "14",
                   distance: Annotated[str, Form()] = "2") -> Response:
    """The site manager lists who sat near an agent who reports a positive test (a POST:
    the agent stays out of URLs and logs). The search is logged."""
    allow(who, "sites")
    form = {"agent": agent, "days": days, "distance": distance}
    try:
        window = _number(days, "days"), _number(distance, "distance")
        result = await asyncio.to_thread(
            TracingService(rt.engine, rt.clock).exposure, who, ref, agent,
            days=window[0], distance=window[1])
    except RenfortError as error:
        return await _site_with(request, rt, who, ref,
                                {"error": error_text(error), "trace_form": form})
    return await _site_with(request, rt, who, ref, {"exposure": result, "trace_form": form})


def _number(text: str, field: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise refusal(message("sites.bad_number"), {"field": field}) from None


@router.get("/{ref}/occupancy")
async def occupancy(ref: str, request: Request, rt: RuntimeDep,
                    who: WebPrincipal) -> HTMLResponse:
    """The live part of a site page (seat plan and figures), reloaded on each check-in or
    check-out and every 30 s (cleaning intervals end without an event)."""
    allow(who, "sites")
    data = await asyncio.to_thread(_live, rt, who, ref)
    return render(request, "sites/occupancy.html", data)


@router.post("/{ref}/measures")
async def record_measure(ref: str, request: Request, rt: RuntimeDep,
                         who: WebPrincipal) -> Response:
    """One measure changed after a consultation of the staff representatives."""
    allow(who, "sites")
    async with request.form() as raw:
        form = {k: str(v) for k, v in raw.items()}
    try:
        try:
            held_on = date.fromisoformat(form.get("held_on", ""))
        except ValueError:
            raise refusal(message("sites.bad_date"), {"field": "held_on"}) from None
        participants = [p.strip() for p in form.get("participants", "").split(",")
                        if p.strip()]
        change = {"measure": form.get("measure", ""), "status": form.get("status", ""),
                  "evidence": form.get("evidence", "")}
        consultation = {"held_on": held_on, "participants": participants,
                        "opinion": form.get("opinion", ""),
                        "decision": form.get("decision", "")}
        await asyncio.to_thread(MeasureService(rt.engine, rt.clock).record, who, ref,
                                [change], consultation)
    except RenfortError as error:
        data = await asyncio.to_thread(_site, rt, who, ref)
        return page(request, "sites/site.html", who, "sites",
                    {**data, "error": error_text(error), "form": form})
    return RedirectResponse(f"/sites/{ref}?recorded=1", status_code=303)


def _aware(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=PARIS).astimezone(UTC)
    except ValueError:
        raise refusal(message("sites.bad_date"), {"field": "valid_from"}) from None


@router.post("/waivers/accept")
async def accept_waiver(request: Request, rt: RuntimeDep, who: WebPrincipal) -> Response:
    """The client accepts degraded conditions for home work on some of its queues."""
    allow(who, "sites")
    async with request.form() as form:
        queues = [str(q) for q in form.getlist("queues")]
        data: dict[str, Any] = {
            "queues": queues, "conditions": str(form.get("conditions") or "").strip(),
            "valid_from": str(form.get("valid_from") or ""),
            "valid_to": str(form.get("valid_to") or ""),
            "accepted_by": str(form.get("accepted_by") or "").strip() or None}
    try:
        if not queues:
            raise refusal(message("sites.no_queue"), {"field": "queues"})
        if not data["conditions"]:
            raise refusal(message("sites.no_conditions"), {"field": "conditions"})
        data["valid_from"] = _aware(data["valid_from"])
        data["valid_to"] = _aware(data["valid_to"])
        await rt.routing_config.save(KINDS["waivers"], who, data)
    except RenfortError as error:
        overview_data = await asyncio.to_thread(_overview, rt, who)
        return page(request, "sites/overview.html", who, "sites",
                    {**overview_data, "error": error_text(error)})
    return RedirectResponse("/sites?done=accepted", status_code=303)


@router.post("/waivers/{ref}/revoke")
async def revoke_waiver(ref: str, request: Request, rt: RuntimeDep,
                        who: WebPrincipal) -> Response:
    allow(who, "sites")
    try:
        await rt.routing_config.revoke_waiver(who, ref)
    except RenfortError as error:
        overview_data = await asyncio.to_thread(_overview, rt, who)
        return page(request, "sites/overview.html", who, "sites",
                    {**overview_data, "error": error_text(error)})
    return RedirectResponse("/sites?done=revoked", status_code=303)

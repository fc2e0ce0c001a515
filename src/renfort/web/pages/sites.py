"""Sites and telework (``/sites``): each site's seat plan with usable and blocked seats and
live occupancy against the distancing capacity, the sanitary-measures register with the
consultations of the staff representatives, and the clients' telework waivers (a client
manager accepts or revokes theirs).

Reads and writes go through the sites, measures and catalog services that the
``/api/v1`` routes call, with the same tenant rules.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError, ValidationError
from renfort.services.catalog import KINDS, Catalog
from renfort.services.measures import MeasureService
from renfort.services.principals import Principal, Role
from renfort.services.sites import SiteService
from renfort.web.seatplan import seat_plan_svg
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import PARIS, message, render

router = APIRouter(prefix="/sites", dependencies=[Depends(check_origin)])
MEASURE_STATUSES = ("planned", "in_place", "adapted", "suspended", "not_applicable")


def _waivers(rt: Runtime, who: Principal) -> dict[str, Any]:
    catalog = Catalog(rt.engine)
    waivers = catalog.list(KINDS["waivers"], who)
    queues = {q["id"]: q for q in catalog.list(KINDS["queues"], who)}
    now = rt.clock.now()
    for waiver in waivers:
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
    return {"sites": sites, **_waivers(rt, who)}


def _site(rt: Runtime, who: Principal, ref: str) -> dict[str, Any]:
    service = SiteService(rt.engine, rt.clock)
    summary = next((s for s in service.list_sites(who) if ref in (s["id"], s["slug"])), None)
    if summary is None:
        raise ValidationError(message("sites.unknown"), {"site": ref})
    context: dict[str, Any] = {"site": summary}
    try:
        seats = service.seats(who, ref)
        context["capacity"] = service.capacity(who, ref)
        context["occupancy"] = service.occupancy(who, ref)
        labels = {k: message(f"sites.seat.{k}")
                  for k in ("usable", "blocked", "occupied", "over")}
        context["plan"] = seat_plan_svg(seats, title=message(
            "sites.plan_title", site=summary["name"], capacity=summary["capacity"]),
            labels=labels)
    except RenfortError as error:
        context["plan_error"] = error_text(error)
    measures = MeasureService(rt.engine, rt.clock)
    context["register"] = measures.register(who, ref)
    context["titles"] = {m["code"]: m["title"] for m in context["register"]["measures"]}
    staff = who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
    context["history"] = measures.history(who, ref)[-8:][::-1] if staff else []
    context["can_record"] = who.role in (Role.ADMIN, Role.OUTSOURCER_MANAGER)
    context["statuses"] = MEASURE_STATUSES
    context["today"] = datetime.fromtimestamp(rt.clock.now(), PARIS).date().isoformat()
    return context


@router.get("")
async def overview(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   done: str = "") -> HTMLResponse:
    allow(who, "sites")
    data = await asyncio.to_thread(_overview, rt, who)
    notice = message(f"sites.done.{done}") if done in ("accepted", "revoked") else None
    return page(request, "sites/overview.html", who, "sites", {**data, "notice": notice})


@router.get("/{ref}")
async def site(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
               recorded: int = 0) -> HTMLResponse:
    allow(who, "sites")
    try:
        data = await asyncio.to_thread(_site, rt, who, ref)
    except RenfortError as error:
        overview_data = await asyncio.to_thread(_overview, rt, who)
        return page(request, "sites/overview.html", who, "sites",
                    {**overview_data, "error": error_text(error)})
    return page(request, "sites/site.html", who, "sites",
                {**data, "notice": message("sites.recorded") if recorded else None})


@router.get("/{ref}/occupancy")
async def occupancy(ref: str, request: Request, rt: RuntimeDep,
                    who: WebPrincipal) -> HTMLResponse:
    """The live part of a site page (seat plan and figures), reloaded every few seconds."""
    allow(who, "sites")
    data = await asyncio.to_thread(_site, rt, who, ref)
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
            raise ValidationError(message("sites.bad_date"), {"field": "held_on"}) from None
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
        raise ValidationError(message("sites.bad_date"), {"field": "valid_from"}) from None


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
            raise ValidationError(message("sites.no_queue"), {"field": "queues"})
        if not data["conditions"]:
            raise ValidationError(message("sites.no_conditions"), {"field": "conditions"})
        data["valid_from"] = _aware(data["valid_from"])
        data["valid_to"] = _aware(data["valid_to"])
        await asyncio.to_thread(Catalog(rt.engine).save, KINDS["waivers"], who, data)
        await rt.desk.refresh_config()
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
        await asyncio.to_thread(Catalog(rt.engine).revoke_waiver, who, ref, rt.clock.now())
        await rt.desk.refresh_config()
    except RenfortError as error:
        overview_data = await asyncio.to_thread(_overview, rt, who)
        return page(request, "sites/overview.html", who, "sites",
                    {**overview_data, "error": error_text(error)})
    return RedirectResponse("/sites?done=revoked", status_code=303)

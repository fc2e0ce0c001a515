"""Sites under distancing: seat plan, capacity, shifts, check-in/out, occupancy, tracing.

Routes live below ``/sites/{ref}/…`` next to the catalog's ``/sites`` CRUD.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.sites_schemas import (
    CheckInIn,
    CheckOutIn,
    DistancingIn,
    ExposureIn,
    PurgeIn,
    ShiftIn,
)
from renfort.domain.clock import to_seconds
from renfort.domain.errors import ValidationError
from renfort.services.sites import RuleInput, SiteService, move_and_announce
from renfort.services.tracing import TracingService

router = APIRouter(tags=["sites"])
MAX_PLAN_BYTES = 2_000_000


@router.get("/occupancy")
def overview(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Every visible site: seats, capacity under distancing, occupied now, alert."""
    return SiteService(rt.engine, rt.clock).list_sites(who)


@router.get("/sites/{ref}/seats")
def seats(ref: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """The seat plan: coordinates, usable or blocked, occupied, cleaning."""
    return SiteService(rt.engine, rt.clock).seats(who, ref)


@router.put("/sites/{ref}/seats")
async def import_seats(ref: str, request: Request, rt: RuntimeDep, who: PrincipalDep,
                       time_limit: Annotated[float, Query(ge=0, le=60)] = 10.0
                       ) -> dict[str, Any]:
    """Replace the seat plan from CSV (``seat_id,x,y,zone[,equipment]``, metres) and
    recompute the capacity under the site's rule (site manager)."""
    body = await request.body()
    if len(body) > MAX_PLAN_BYTES:
        raise ValidationError("the seat plan is larger than 2 MB", {"field": "body"})
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("the seat plan must be UTF-8 CSV", {"field": "body"}) from None
    service = SiteService(rt.engine, rt.clock)
    return await asyncio.to_thread(service.import_plan, who, ref, text, time_limit=time_limit)


@router.get("/sites/{ref}/capacity")
def capacity(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Capacity per shift: usable seats, proven bound, and what is above it."""
    return SiteService(rt.engine, rt.clock).capacity(who, ref)


@router.put("/sites/{ref}/distancing")
async def set_distancing(ref: str, body: DistancingIn, rt: RuntimeDep,
                         who: PrincipalDep) -> dict[str, Any]:
    """Change the rule or the cleaning interval; returns the new capacity with the shifts
    and the occupancy now above it (site manager)."""
    change = RuleInput(body.min_distance, body.free_seat_between, body.cleaning_minutes,
                       clear_min_distance=body.no_min_distance)
    service = SiteService(rt.engine, rt.clock)
    return await asyncio.to_thread(service.set_rule, who, ref, change,
                                   time_limit=body.time_limit)


@router.get("/sites/{ref}/plan.svg", response_class=Response)
def plan_svg(ref: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
    """The plan as SVG: usable seats green, blocked grey, occupied blue."""
    svg = SiteService(rt.engine, rt.clock).plan_svg(who, ref)
    return Response(svg, media_type="image/svg+xml")


@router.get("/sites/{ref}/shifts")
def shifts(ref: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Planned shifts with their headcount, flagged when above the capacity."""
    return SiteService(rt.engine, rt.clock).shifts(who, ref)


@router.post("/sites/{ref}/shifts", status_code=201)
def add_shift(ref: str, body: ShiftIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return SiteService(rt.engine, rt.clock).add_shift(
        who, ref, label=body.label, starts_at=to_seconds(body.starts_at),
        ends_at=to_seconds(body.ends_at), planned=body.planned)


@router.post("/sites/{ref}/checkins", status_code=201)
async def check_in(ref: str, body: CheckInIn, rt: RuntimeDep,
                   who: PrincipalDep) -> dict[str, Any]:
    """An agent sits on a usable, free and cleaned seat (themself, or by a supervisor)."""
    return await move_and_announce(rt.desk, lambda: SiteService(rt.engine, rt.clock).check_in(
        who, ref, body.agent, body.seat))


@router.post("/sites/{ref}/checkout")
async def check_out(ref: str, body: CheckOutIn, rt: RuntimeDep,
                    who: PrincipalDep) -> dict[str, Any]:
    """The agent leaves their seat; it needs the cleaning interval before the next one."""
    return await move_and_announce(rt.desk, lambda: SiteService(rt.engine, rt.clock).check_out(
        who, ref, body.agent))


@router.get("/sites/{ref}/occupancy")
def occupancy(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Who sits where now against the capacity; ``alert`` when it is exceeded."""
    return SiteService(rt.engine, rt.clock).occupancy(who, ref)


@router.post("/sites/{ref}/exposure")
def exposure(ref: str, body: ExposureIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Colleagues who sat near an agent who reports a positive test (site manager only;
    a POST so that the agent's id stays out of URLs and access logs)."""
    return TracingService(rt.engine, rt.clock).exposure(who, ref, body.agent, days=body.days,
                                                        distance=body.distance)


@router.get("/sites/{ref}/exposure-traces")
def exposure_traces(ref: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Who searched for whose close contacts on this site, and when (site manager only)."""
    return TracingService(rt.engine, rt.clock).traces(who, ref)


@router.post("/sites/checkins/purge")
def purge_checkins(body: PurgeIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Delete closed check-ins older than the retention period (platform operator)."""
    return TracingService(rt.engine, rt.clock).purge_stays(
        who, older_than_days=body.older_than_days)

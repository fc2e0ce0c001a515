"""The staff representatives' consultations: minutes and opinions, the daily checklist, and
exposure-search counts without names."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.sites_schemas import StaffConsultationIn
from renfort.services.consultations import ConsultationService
from renfort.services.tracing import TracingService

router = APIRouter(tags=["sanitary measures"])


@router.post("/sites/{ref}/consultations", status_code=201)
def record(ref: str, body: StaffConsultationIn, rt: RuntimeDep,
           who: PrincipalDep) -> dict[str, Any]:
    """Today's consultation (server date); a past day needs ``late: true`` and stays marked."""
    return ConsultationService(rt.engine, rt.clock).record(
        who, ref, participants=body.participants, minutes=body.minutes, opinion=body.opinion,
        held_on=body.held_on, late=body.late)


@router.get("/sites/{ref}/consultations")
def minutes(ref: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    return ConsultationService(rt.engine, rt.clock).minutes(who, ref)


@router.get("/sites/{ref}/consultations/checklist")
def checklist(ref: str, rt: RuntimeDep, who: PrincipalDep,
              days: int = Query(default=7, ge=1, le=62)) -> dict[str, Any]:
    """Was the daily consultation held, for each of the last days (missed days flagged)."""
    return ConsultationService(rt.engine, rt.clock).checklist(who, ref, days)


@router.get("/consultations/missed")
def missed(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Your sites whose consultation is not held today or was missed lately."""
    return ConsultationService(rt.engine, rt.clock).missed(who)


@router.get("/sites/{ref}/exposure-counts")
def exposure_counts(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Exposure searches per day and colleagues named, without names (staff
    representatives and the site's manager)."""
    return TracingService(rt.engine, rt.clock).counts(who, ref)

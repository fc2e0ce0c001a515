"""The sanitary register: the guide, each site's measures, consulted changes, CSV export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.sites_schemas import MeasureRecordIn
from renfort.services.measures import MeasureService

router = APIRouter(tags=["sanitary measures"])
CSV = "text/csv; charset=utf-8"


@router.get("/sanitary-measures")
def guide(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """The guide of measures (guide des bonnes pratiques)."""
    return MeasureService(rt.engine, rt.clock).guide(who)


@router.get("/sites/{ref}/measures")
def register(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Each measure of the guide with its status and evidence on the site."""
    return MeasureService(rt.engine, rt.clock).register(who, ref)


@router.post("/sites/{ref}/measures/changes", status_code=201)
def record(ref: str, body: MeasureRecordIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Record changes with the staff-representative consultation that preceded them
    (site manager). The history is append-only."""
    return MeasureService(rt.engine, rt.clock).record(
        who, ref, [c.model_dump() for c in body.changes], body.consultation.model_dump())


@router.get("/sites/{ref}/measures/history")
def history(ref: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    return MeasureService(rt.engine, rt.clock).history(who, ref)


@router.get("/sites/{ref}/measures/history.csv", response_class=Response)
def history_csv(ref: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
    """The site's history as CSV for the works council and the labour inspectorate."""
    text = MeasureService(rt.engine, rt.clock).export_csv(who, ref)
    return Response(text, media_type=CSV, headers={
        "Content-Disposition": f'attachment; filename="registre-sanitaire-{ref}.csv"'})


@router.get("/sanitary-register.csv", response_class=Response)
def register_csv(rt: RuntimeDep, who: PrincipalDep) -> Response:
    """The history of every site you manage, as one CSV."""
    text = MeasureService(rt.engine, rt.clock).export_csv(who)
    return Response(text, media_type=CSV, headers={
        "Content-Disposition": 'attachment; filename="registre-sanitaire.csv"'})

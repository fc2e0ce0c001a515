"""Saved plans: ``/api/v1/plans/saved`` — keep, list, read, download and delete the files
of a run of the planning chain, within the caller's tenant (see
``renfort.services.saved_plans``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.services.saved_plans import SavedPlanService

router = APIRouter(prefix="/saved", tags=["planning"])


class SavedPlanIn(BaseModel):
    """A name, at least one file (CSV text) and an optional summary."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    forecast: str | None = Field(None, description="forecast CSV (plan forecast)")
    staffing: str | None = Field(None, description="staffing plan CSV (plan staffing)")
    shifts: str | None = Field(None, description="shifts CSV (plan schedule)")
    coverage: str | None = Field(None, description="coverage CSV (plan schedule)")
    replay: str | None = Field(None, description="simulation CSV of the replay")
    summary: dict[str, Any] = Field(default_factory=dict)


@router.post("", status_code=201)
def save(body: SavedPlanIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Keep the files under a name, for the caller's tenant."""
    files = body.model_dump(exclude={"name", "summary"})
    return SavedPlanService(rt.engine, rt.clock).save(who, body.name, files, body.summary)


@router.get("")
def list_plans(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """The plans of the caller's tenant (every plan for admins), newest first."""
    return SavedPlanService(rt.engine, rt.clock).list(who)


@router.get("/{plan_id}")
def get(plan_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """A plan's name, author, files held and summary."""
    return SavedPlanService(rt.engine, rt.clock).get(who, plan_id)


@router.get("/{plan_id}/{artefact}.csv")
def download(plan_id: str, artefact: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
    """One file of the plan: forecast, staffing, shifts, coverage or replay."""
    text = SavedPlanService(rt.engine, rt.clock).file(who, plan_id, artefact)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{artefact}.csv"'})


@router.delete("/{plan_id}", status_code=204)
def delete(plan_id: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
    SavedPlanService(rt.engine, rt.clock).delete(who, plan_id)
    return Response(status_code=204)

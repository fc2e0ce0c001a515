"""Planning: Erlang staffing for a forecast, as JSON or as an uploaded CSV file."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from renfort.api.deps import PrincipalDep
from renfort.api.routes import plans_chain, plans_saved
from renfort.api.schemas import inline_schema
from renfort.domain.errors import ValidationError
from renfort.services import access
from renfort.services.principals import Role
from renfort.services.staffing import (
    StaffingOptions,
    StaffingPlan,
    parse_forecast_csv,
    parse_forecast_records,
    plan_staffing,
)

router = APIRouter(prefix="/plans", tags=["planning"])
router.include_router(plans_chain.router)
router.include_router(plans_saved.router)
PLANNERS = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR, Role.CLIENT_VIEWER)
MAX_UPLOAD = 5_000_000


class StaffingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    options: StaffingOptions = Field(default_factory=StaffingOptions)
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=100_000,
                                       description="forecast rows, the CSV's columns")


@router.post("/staffing", response_model=StaffingPlan,
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": inline_schema(StaffingRequest)},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"},
                     "options": {"type": "string", "description": "StaffingOptions as JSON"},
                 }}},
                 "text/csv": {"schema": {"type": "string"}},
             }}})
async def staffing(request: Request, who: PrincipalDep) -> StaffingPlan:
    """Agents needed per queue and interval: JSON ``{options, rows}``, a multipart upload
    (``file`` plus optional ``options`` as JSON) or a raw ``text/csv`` body with options in
    the query string. Rows come back in input order; a bad row is refused with its line
    and column and nothing is computed."""
    access.require(who, *PLANNERS)
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json":
        try:
            body = StaffingRequest.model_validate_json(await request.body())
        except ValueError as error:
            raise ValidationError(f"invalid JSON request: {error}".splitlines()[0]) from None
        options, rows = body.options, parse_forecast_records(body.rows)
    elif kind == "multipart/form-data":
        async with request.form() as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ValidationError("upload the forecast as the 'file' field",
                                      {"field": "file"})
            raw = await upload.read(MAX_UPLOAD + 1)
            options = _options(str(form.get("options") or "{}"))
        rows = parse_forecast_csv(_text(raw))
    elif kind == "text/csv":
        raw = await request.body()
        options = StaffingOptions.model_validate(dict(request.query_params))
        rows = parse_forecast_csv(_text(raw))
    else:
        raise ValidationError("send JSON, a multipart upload or text/csv",
                              {"field": "content-type"})
    return await asyncio.to_thread(plan_staffing, rows, options)


def _options(raw: str) -> StaffingOptions:
    try:
        return StaffingOptions.model_validate_json(raw)
    except ValueError as error:
        raise ValidationError(f"options: {error}".splitlines()[0], {"field": "options"}) \
            from None


def _text(raw: bytes) -> str:
    if len(raw) > MAX_UPLOAD:
        raise ValidationError("the forecast file is larger than 5 MB", {"field": "file"})
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("the forecast must be UTF-8 text", {"field": "file"}) from None

"""Simulation: a scenario or a staffing plan replayed through the real router.

``POST /api/v1/simulations`` takes JSON ``{"scenario": {...}}`` (the format of
``renfort simulate SCENARIO``) or ``{"staffing_plan": "<CSV of renfort plan staffing>"}``,
or a raw ``text/csv`` plan with ``replications`` and ``seed`` in the query string, and
answers the report of ``renfort simulate --json``. The run happens in a worker thread, in
one process, and is refused beforehand (422) when expected calls × replications exceed a cap.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from renfort.api.deps import PrincipalDep
from renfort.api.schemas import inline_schema
from renfort.domain.errors import ValidationError
from renfort.services import access
from renfort.services.principals import Role
from renfort.services.simulations import (
    MAX_CALL_REPLICATIONS,
    run_simulation,
    scenario_from_plan,
)
from renfort.simulation.scenario import Scenario, parse_scenario

router = APIRouter(prefix="/simulations", tags=["planning"])
SIMULATORS = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
MAX_BODY = 5_000_000


class SimulationRequest(BaseModel):
    """One of ``scenario`` and ``staffing_plan``, and how many days to simulate."""

    model_config = ConfigDict(extra="forbid")
    scenario: dict[str, Any] | None = Field(None, description="a scenario, as in the CLI")
    staffing_plan: str | None = Field(None, description="CSV from 'renfort plan staffing'")
    heads: bool = Field(False, description="plan: staff scheduled_heads instead of agents")
    replications: int = Field(10, ge=1, le=100)
    seed: int = Field(1, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _one_input(self) -> SimulationRequest:
        if (self.scenario is None) == (self.staffing_plan is None):
            raise ValueError("send either scenario or staffing_plan")
        return self

    def to_scenario(self) -> Scenario:
        if self.scenario is not None:
            return parse_scenario(self.scenario)
        assert self.staffing_plan is not None
        return scenario_from_plan(self.staffing_plan, heads=self.heads)


@router.post("", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": inline_schema(SimulationRequest)},
    "text/csv": {"schema": {"type": "string"}},
}}})
async def simulate(request: Request, who: PrincipalDep) -> dict[str, Any]:
    """Simulate the day: per queue and interval offered, answered, abandoned, service level,
    abandonment, ASA (means over replications) with their 95 % confidence intervals."""
    access.require(who, *SIMULATORS)
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ValidationError("the request is larger than 5 MB", {"field": "body"})
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json":
        try:
            body = SimulationRequest.model_validate_json(raw)
        except ValueError as error:
            text = str(error).splitlines()
            raise ValidationError(f"invalid request: {text[-1].strip() if text else error}",
                                  {"field": "body"}) from None
    elif kind == "text/csv":
        try:
            body = SimulationRequest(staffing_plan=raw.decode("utf-8"),
                                     **dict(request.query_params))
        except (UnicodeDecodeError, ValueError) as error:
            raise ValidationError(f"invalid request: {str(error).splitlines()[0]}",
                                  {"field": "body"}) from None
    else:
        raise ValidationError("send JSON or a text/csv staffing plan",
                              {"field": "content-type"})
    scenario = body.to_scenario()
    return await asyncio.to_thread(
        run_simulation, scenario, replications=body.replications, seed=body.seed,
        max_work=MAX_CALL_REPLICATIONS)

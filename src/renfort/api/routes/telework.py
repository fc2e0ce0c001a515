"""Home work: agents' home set-ups (they gate routing) and the per-client home report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import Instant
from renfort.api.sites_schemas import AgentMovesIn, HomeSetupIn
from renfort.services.telework import TeleworkService

router = APIRouter(tags=["telework"])


@router.get("/home-setups")
def list_home_setups(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Home agents of your outsourcer, what they have and whether they may take contacts."""
    return TeleworkService(rt.engine, rt.clock).list_home_setups(who)


@router.post("/agents/moves")
async def move_agents(body: AgentMovesIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Move a selection of agents home or back to site in one request. Each agent is checked
    alone (home set-up, each client's telework rule and waivers): a refused agent stays
    with a reason, the others move. ``dry_run`` previews what each queue loses."""
    return await rt.routing_config.move_agents(who, body.agents, body.to, body.site,
                                               body.dry_run)


@router.get("/agents/{agent_ref}/home-setup")
def home_setup(agent_ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return TeleworkService(rt.engine, rt.clock).home_setup(who, agent_ref)


@router.put("/agents/{agent_ref}/home-setup")
async def set_home_setup(agent_ref: str, body: HomeSetupIn, rt: RuntimeDep,
                         who: PrincipalDep) -> dict[str, Any]:
    """Record the agent's laptop, VPN, softphone and training; takes effect on routing at
    once (an uncleared home agent is put on break and cannot be available)."""
    items = {k: v for k, v in body.model_dump().items() if v is not None}
    return await rt.routing_config.set_home_setup(who, agent_ref, items)


@router.get("/clients/{client_ref}/telework-report")
def telework_report(client_ref: str, rt: RuntimeDep, who: PrincipalDep,
                    since: Instant | None = None,
                    until: Instant | None = None) -> dict[str, Any]:
    """Share of the client's contacts handled from home, and under which waiver."""
    start: datetime | None = since
    end: datetime | None = until
    return TeleworkService(rt.engine, rt.clock).home_report(who, client_ref, start, end)

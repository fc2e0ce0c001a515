"""Briefings: an agent's list and acknowledgement; who is briefed, for supervisors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.services.briefings import BriefingService

router = APIRouter(tags=["briefings"])


@router.get("/briefings")
def list_briefings(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """An agent: their briefings, unacknowledged first. Staff: each briefing with how many
    of their agents are briefed. Client roles: their client's briefings (counts only)."""
    return BriefingService(rt.engine, rt.clock, rt.desk).list(who)


@router.get("/briefings/{briefing_id}")
def get_briefing(briefing_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """The briefing's changes and which agents acknowledged it (staff: their own agents)."""
    return BriefingService(rt.engine, rt.clock, rt.desk).get(who, briefing_id)


@router.post("/briefings/{briefing_id}/acknowledge")
async def acknowledge(briefing_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """The agent read it: the topic's contacts are offered to them again."""
    return await BriefingService(rt.engine, rt.clock, rt.desk).acknowledge(who, briefing_id)

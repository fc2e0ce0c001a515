"""Agents' presence and their desk: log in/out, available or on break, what they hold."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import AgentStateIn
from renfort.bootstrap import Runtime
from renfort.domain.errors import ValidationError
from renfort.services import access
from renfort.services import commands as c
from renfort.services.principals import Principal

router = APIRouter(prefix="/agents", tags=["agents"])


async def _resolve(rt: Runtime, who: Principal, agent_ref: str) -> str:
    agent_id = who.agent_id if agent_ref == "me" and who.agent_id else agent_ref

    def check() -> None:
        with rt.engine.connect() as conn:
            access.can_act_for_agent(conn, who, agent_id)

    await asyncio.to_thread(check)
    return agent_id


def _status(rt: Runtime, agent_id: str) -> dict[str, Any]:
    held = rt.desk.held_by(agent_id)
    return {
        "agent": agent_id,
        "status": str(rt.desk.agent_status(agent_id)),
        "contacts": [{"id": h.id, "queue": h.queue_id, "channel": str(h.channel),
                      "state": str(h.state)} for h in held],
    }


@router.get("/{agent_ref}/status")
async def status(agent_ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Live status of an agent and the contacts offered to or held by them."""
    agent_id = await _resolve(rt, who, agent_ref)
    return _status(rt, agent_id)


@router.post("/{agent_ref}/login")
async def log_in(agent_ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Start a working session; the agent then says when they are available."""
    agent_id = await _resolve(rt, who, agent_ref)
    await rt.desk.execute(c.LogIn(agent_id))
    return _status(rt, agent_id)


@router.post("/{agent_ref}/logout")
async def log_out(agent_ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """End the session; contacts already held are finished, no new ones are offered."""
    agent_id = await _resolve(rt, who, agent_ref)
    await rt.desk.execute(c.LogOut(agent_id))
    return _status(rt, agent_id)


@router.put("/{agent_ref}/state")
async def set_state(agent_ref: str, body: AgentStateIn, rt: RuntimeDep,
                    who: PrincipalDep) -> dict[str, Any]:
    """Available for contacts, or on a break with its reason."""
    agent_id = await _resolve(rt, who, agent_ref)

    if body.state == "available":
        await rt.desk.execute(c.SetAvailable(agent_id))
    else:
        if not body.reason:
            raise ValidationError("a break needs a reason", {"field": "reason"},
                                  reason="break-reason-missing")
        await rt.desk.execute(c.SetBreak(agent_id, body.reason))
    return _status(rt, agent_id)

"""Safety: each client's redirect directory, the flags raised for supervisors, and an
agent's redirect of the contact they hold to a medical line."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, status
from pydantic import AwareDatetime, Field

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import Body
from renfort.bootstrap import Runtime
from renfort.domain.errors import NotFoundError, PermissionDeniedError
from renfort.services import access, contacts_read
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role

router = APIRouter(tags=["safety"])
Key = Annotated[str, Path(max_length=20, description="medical_urgent, suicide, medical or "
                                                     "psychological")]


class NumberIn(Body):
    label: str = Field(min_length=1, max_length=120)
    number: str = Field(min_length=2, max_length=20)
    kind: Literal["tel", "sms"] = "tel"


class EntryIn(Body):
    label: str = Field(min_length=2, max_length=120)
    numbers: list[NumberIn] = Field(min_length=1, max_length=5)
    hours: str = Field(min_length=2, max_length=300)
    message: str = Field(min_length=10, max_length=2000)
    source: str = Field(min_length=5, max_length=500,
                        description="the official source of the numbers")
    valid_from: AwareDatetime | None = None


class AgentRedirectIn(Body):
    target: str = Field(min_length=1, max_length=20, description="medical_urgent, suicide, "
                        "medical or psychological (or samu-15, 3114, medecin, ecoute)")
    text: str | None = Field(default=None, max_length=2000,
                             description="what the caller said (audited, personal data masked)")
    transfer: bool = Field(default=True, description="voice: ask the telephony for a warm "
                           "transfer to the entry's number")


@router.get("/kb/{client}/redirects")
def redirects(client: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """The client's directory entries in force (its own versions, else the defaults)."""
    return rt.directory.in_force(who, client)


@router.get("/kb/{client}/redirects/{key}/versions")
def redirect_versions(client: str, key: Key, rt: RuntimeDep,
                      who: PrincipalDep) -> list[dict[str, Any]]:
    """The built-in default (version 0) and every version the client made, oldest first."""
    return rt.directory.history(who, client, key)


@router.put("/kb/{client}/redirects/{key}", status_code=status.HTTP_201_CREATED)
def edit_redirect(client: str, key: Key, body: EntryIn, rt: RuntimeDep,
                  who: PrincipalDep) -> dict[str, Any]:
    """A new version of one entry, in force from ``valid_from`` (default now)."""
    data = body.model_dump(exclude={"valid_from"})
    return rt.directory.edit(who, client, key, data, body.valid_from)


@router.get("/safety/flags")
def flags(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Redirects not yet acknowledged, newest first (supervisors, managers, clients)."""
    return rt.flags.open_flags(who)


@router.post("/safety/flags/{flag_id}/acknowledge")
def acknowledge(flag_id: int, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return rt.flags.acknowledge(who, flag_id)


async def agent_redirect(rt: Runtime, who: Principal, contact_id: str, target: str,
                         text: str | None, transfer: bool = True) -> dict[str, Any]:
    """Shared by the API and the agent desktop: the agent (or a supervisor acting for the
    agent holding it) sends a held contact to a medical line."""
    def read() -> dict[str, Any]:
        with rt.engine.connect() as conn:
            return contacts_read.visible_contact(conn, who, contact_id)

    contact = await asyncio.to_thread(read)
    if who.role is Role.AGENT:
        assert who.agent_id is not None
        agent_id = who.agent_id
    elif who.role is Role.ADMIN or who.role in OUTSOURCER_ROLES:
        if contact["agent_id"] is None:
            raise NotFoundError("this contact is not with an agent", {})
        agent_id = str(contact["agent_id"])
        access.may_act_for(who, agent_id, contact["outsourcer_id"])
    else:
        raise PermissionDeniedError(f"role {who.role} cannot redirect contacts", {})
    return await rt.agent_redirects.redirect(who, contact_id, agent_id, target, text, transfer)


@router.post("/contacts/{contact_id}/medical-redirect")
async def medical_redirect(contact_id: str, body: AgentRedirectIn, rt: RuntimeDep,
                           who: PrincipalDep) -> dict[str, Any]:
    """The agent holding the contact (accepted or in wrap-up) sends it to a medical line:
    the contact ends ``redirected``, a call gets a ``transfer_requested`` event for the
    telephony, the redirect is audited on the contact and flagged for supervisors."""
    return await agent_redirect(rt, who, contact_id, body.target, body.text, body.transfer)

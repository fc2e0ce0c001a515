"""Contacts: created by channel integrations, worked by agents, read within the tenant."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.routes.safety import agent_redirect
from renfort.api.schemas import ContactIn, MessageIn, RedirectIn, TransferIn, WrapUpIn
from renfort.bootstrap import Runtime
from renfort.domain.contacts import FINAL_STATES, HELD_STATES, ContactState
from renfort.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from renfort.domain.model import Channel
from renfort.routing.types import Explanation
from renfort.services import access, contacts_read, routing_audit
from renfort.services import commands as c
from renfort.services.desk_view import ContactView
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role

router = APIRouter(prefix="/contacts", tags=["contacts"])
CREATORS = (Role.INTEGRATION, Role.SUPERVISOR, Role.OUTSOURCER_MANAGER)


def _summary(contact: ContactView, queue_slug: str) -> dict[str, Any]:
    return {"id": contact.id, "seq": contact.seq, "queue": contact.queue_id,
            "queue_slug": queue_slug, "channel": str(contact.channel),
            "state": str(contact.state), "priority": contact.priority,
            "agent_id": contact.agent_id}


def _check_queue_allowed(rt: Runtime, who: Principal, queue_id: str) -> None:
    """The same rule as access.visible_queue_ids, read from the desk's memory (hot path)."""
    if who.role is Role.ADMIN or (who.role is Role.INTEGRATION and not who.client_id):
        return
    if who.client_id is not None and rt.desk.queue(queue_id).client_id == who.client_id:
        return
    if who.outsourcer_id is not None and who.outsourcer_id in \
            rt.desk.serving_outsourcers(queue_id):
        return
    raise NotFoundError("unknown queue", {"field": "queue"})


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_contact(body: ContactIn, rt: RuntimeDep, who: PrincipalDep,
                         response: Response) -> dict[str, Any]:
    """A contact arrives from a channel; it is queued (or offered) before the answer."""
    access.require(who, *CREATORS)
    queue_id = rt.desk.queue_id(body.queue)
    _check_queue_allowed(rt, who, queue_id)
    command = c.ReceiveContact(queue_id, Channel(body.channel), body.customer_ref,
                               body.external_ref, body.message or None)
    if body.external_ref is not None:
        await _external_ref_unused(rt, body.external_ref)
    contact: ContactView = await rt.desk.execute(command)
    response.headers["Location"] = f"/api/v1/contacts/{contact.id}"
    return _summary(contact, rt.desk.queue(queue_id).slug)


async def _external_ref_unused(rt: Runtime, external_ref: str) -> None:
    """A reference already used by a finished contact is refused here, before the desk:
    the store would refuse it at commit time."""
    def used() -> bool:
        with rt.engine.connect() as conn:
            return contacts_read.external_ref_used(conn, external_ref)

    if await asyncio.to_thread(used):
        raise ConflictError("a contact with this external reference already exists",
                            {"field": "external_ref"})


@router.get("")
def list_contacts(
    rt: RuntimeDep, who: PrincipalDep,
    state: ContactState | None = None,
    queue: Annotated[str | None, Query(max_length=80)] = None,
    after: Annotated[int, Query(ge=0, le=2**63 - 1,  # a 64-bit integer column
                                description="only contacts after this seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 1000,
) -> list[dict[str, Any]]:
    """Contacts visible to the caller, oldest first."""
    with rt.engine.connect() as conn:
        return contacts_read.list_contacts(conn, who, state=state, queue=queue, after=after,
                                           limit=limit)


@router.get("/{contact_id}")
def get_contact(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """One contact with its full event history."""
    with rt.engine.connect() as conn:
        return contacts_read.contact_detail(conn, who, contact_id)


@router.get("/{contact_id}/messages")
def list_messages(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    with rt.engine.connect() as conn:
        return contacts_read.messages(conn, who, contact_id)


async def _visible(rt: Runtime, who: Principal, contact_id: str) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        with rt.engine.connect() as conn:
            return contacts_read.visible_contact(conn, who, contact_id)

    return await asyncio.to_thread(read)


def _acting_agent(who: Principal, contact: dict[str, Any]) -> str:
    """The agent on whose behalf an agent action is taken."""
    if who.role is Role.AGENT:
        assert who.agent_id is not None
        return who.agent_id
    if who.role is Role.ADMIN or who.role in OUTSOURCER_ROLES:
        if contact["agent_id"] is None:
            raise NotFoundError("this contact is not with an agent", {})
        access.may_act_for(who, str(contact["agent_id"]), contact["outsourcer_id"])
        return str(contact["agent_id"])
    raise PermissionDeniedError(f"role {who.role} cannot act on contacts", {})


@router.post("/{contact_id}/messages", status_code=status.HTTP_201_CREATED)
async def post_message(contact_id: str, body: MessageIn, rt: RuntimeDep,
                       who: PrincipalDep) -> dict[str, Any]:
    """A chat message: from the customer (integration key) or from the agent handling it."""
    contact = await _visible(rt, who, contact_id)
    author: c.Author
    author_id: str | None
    if who.role is Role.INTEGRATION:
        author, author_id = "customer", None
    else:
        access.require(who, Role.AGENT, Role.SUPERVISOR, Role.OUTSOURCER_MANAGER)
        author, author_id = "agent", _acting_agent(who, contact)
    message: dict[str, Any] = await rt.desk.execute(
        c.PostMessage(contact_id, author, author_id, body.body))
    return message


async def _agent_action(rt: Runtime, who: Principal, contact_id: str, verb: str,
                        **kwargs: str) -> dict[str, Any]:
    contact = await _visible(rt, who, contact_id)
    agent_id = _acting_agent(who, contact)
    command: c.Command = _AGENT_COMMANDS[verb](contact_id, agent_id, **kwargs)
    live: ContactView = await rt.desk.execute(command)
    return _summary(live, rt.desk.queue(live.queue_id).slug)


_AGENT_COMMANDS: dict[str, Any] = {"accept": c.Accept, "decline": c.Decline, "end": c.End,
                                   "wrap_up": c.WrapUp, "transfer": c.Transfer}


@router.post("/{contact_id}/accept")
async def accept(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """The agent takes the offered contact."""
    return await _agent_action(rt, who, contact_id, "accept")


@router.post("/{contact_id}/decline")
async def decline(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """The agent turns the offer down; the contact goes back to its place."""
    return await _agent_action(rt, who, contact_id, "decline")


@router.post("/{contact_id}/end")
async def end(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """End of the conversation; the agent is in wrap-up."""
    return await _agent_action(rt, who, contact_id, "end")


@router.post("/{contact_id}/wrap-up")
async def wrap_up(contact_id: str, body: WrapUpIn, rt: RuntimeDep,
                  who: PrincipalDep) -> dict[str, Any]:
    """Close the contact with a disposition (ends the conversation first if needed)."""
    return await _agent_action(rt, who, contact_id, "wrap_up", disposition=body.disposition)


@router.post("/{contact_id}/transfer")
async def transfer(contact_id: str, body: TransferIn, rt: RuntimeDep,
                   who: PrincipalDep) -> dict[str, Any]:
    """Send the contact to another queue of the same client."""
    return await _agent_action(rt, who, contact_id, "transfer", queue=body.queue)


async def _channel_action(rt: Runtime, who: Principal, contact_id: str,
                          command: c.Command) -> dict[str, Any]:
    await _visible(rt, who, contact_id)
    access.require(who, *CREATORS)
    live: ContactView = await rt.desk.execute(command)
    return _summary(live, rt.desk.queue(live.queue_id).slug)


@router.post("/{contact_id}/abandon")
async def abandon(contact_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """The customer left before being answered (hung up, closed the chat)."""
    return await _channel_action(rt, who, contact_id, c.Abandon(contact_id))


@router.post("/{contact_id}/redirect")
async def redirect(contact_id: str, body: RedirectIn, rt: RuntimeDep,
                   who: PrincipalDep) -> dict[str, Any]:
    """The customer was sent elsewhere (e.g. the medical line): by the channel before any
    agent, or by the agent holding the contact (see ``/medical-redirect``)."""
    if who.role is Role.AGENT or (who.role is not Role.INTEGRATION
                                  and _held(rt, contact_id)):
        return await agent_redirect(rt, who, contact_id, body.target, body.text)
    return await _channel_action(rt, who, contact_id, c.Redirect(contact_id, body.target))


def _held(rt: Runtime, contact_id: str) -> bool:
    live = rt.desk.live_contact(contact_id)
    return live is not None and live.state in HELD_STATES


@router.post("/{contact_id}/callback")
async def request_callback(contact_id: str, rt: RuntimeDep, who: PrincipalDep
                           ) -> dict[str, Any]:
    """The caller asked to be called back; the contact keeps its place."""
    return await _channel_action(rt, who, contact_id, c.RequestCallback(contact_id))


@router.get("/{contact_id}/explain")
async def explain(contact_id: str, rt: RuntimeDep, who: PrincipalDep,
                  agent: Annotated[str | None, Query(max_length=80)] = None) -> dict[str, Any]:
    """Why ``agent`` is or is not eligible for this contact right now, rule by rule, and
    why each offer of it went where it went (``offers``, from the routing audit).

    A finished contact (or a call without ``agent``) is answered from the audit alone."""
    access.require(who, Role.SUPERVISOR, Role.OUTSOURCER_MANAGER)
    contact = await _visible(rt, who, contact_id)

    finished = ContactState(contact["state"]) in FINAL_STATES

    def recorded() -> dict[str, Any]:
        with rt.engine.connect() as conn:
            if agent is not None:
                access.can_act_for_agent(conn, who, agent)
            return routing_audit.finished_explanation(
                conn, who, contact_id, agent if finished else None)

    history = await asyncio.to_thread(recorded)
    if agent is None or finished:
        return history
    try:
        answer: Explanation = await rt.desk.execute(c.Explain(contact_id, agent))
    except NotFoundError:
        # Finished between the read and the desk: the record answers.
        return history
    return {"contact": contact_id, "agent": agent, "eligible": answer.eligible,
            "at": answer.at, "finished": False, "state": history["state"],
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                       for c in answer.checks],
            "offers": history["offers"]}

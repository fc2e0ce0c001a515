"""The telephony webhook: a PBX or CPaaS drives the router with three call events.

``call_arrived`` creates a voice contact (its ``call_id`` becomes the contact's external
reference) and queues it; the response tells which agent to ring once one is offered
(watch ``contact.offered`` on /events or poll the contact). ``call_answered`` is the agent
picking up; ``call_hung_up`` is an abandon before an answer, or the end of the
conversation after one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import TelephonyEvent
from renfort.domain.contacts import ContactState
from renfort.domain.errors import AgentStateError, ValidationError
from renfort.domain.model import Channel
from renfort.services import access
from renfort.services.batch import Batch
from renfort.services.desk_state import LiveContact
from renfort.services.principals import Role

router = APIRouter(prefix="/telephony", tags=["telephony"])


@router.post("/events")
async def telephony_event(body: TelephonyEvent, rt: RuntimeDep, who: PrincipalDep,
                          response: Response) -> dict[str, Any]:
    access.require(who, Role.INTEGRATION)
    desk = rt.desk

    def run(batch: Batch) -> LiveContact:
        if body.event == "call_arrived":
            if not body.queue or not body.caller:
                raise ValidationError("call_arrived needs queue and caller", {"field": "queue"})
            queue_id = desk.queue_id(body.queue)
            if who.client_id and desk.queue(queue_id).client_id != who.client_id:
                raise ValidationError("unknown queue", {"field": "queue"})
            return desk.receive(batch, queue_ref=queue_id, channel=Channel.VOICE,
                                customer_ref=body.caller, external_ref=body.call_id)
        contact = desk.contact_by_external(body.call_id)
        if who.client_id and contact.client_id != who.client_id:
            raise ValidationError("unknown call", {"field": "call_id"})
        if body.event == "call_answered":
            if contact.agent_id is None:
                raise AgentStateError("no agent was offered this call", {})
            if body.agent and body.agent != contact.agent_id:
                raise AgentStateError("this call was offered to another agent", {})
            return desk.accept(batch, contact.id, contact.agent_id)
        if contact.state is ContactState.ACCEPTED:
            return desk.end(batch, contact.id)
        return desk.abandon(batch, contact.id)

    contact = await desk.submit(run)
    if body.event == "call_arrived":
        response.status_code = 201
    return {"id": contact.id, "call_id": body.call_id, "state": str(contact.state),
            "queue": contact.queue_id, "agent_id": contact.agent_id}

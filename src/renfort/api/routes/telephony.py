"""The telephony webhook: a PBX or CPaaS drives the router with three call events.

``call_arrived`` creates a voice contact (its ``call_id`` becomes the contact's external
reference) and queues it; the response tells which agent to ring once one is offered
(watch ``contact.offered`` on /events or poll the contact). ``call_answered`` is the agent
picking up; ``call_hung_up`` is an abandon before an answer, or the end of the
conversation after one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Response

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import TelephonyEvent
from renfort.domain.errors import ConflictError, ValidationError
from renfort.services import access, contacts_read
from renfort.services import commands as c
from renfort.services.desk_view import ContactView
from renfort.services.principals import Role

router = APIRouter(prefix="/telephony", tags=["telephony"])


@router.post("/events")
async def telephony_event(body: TelephonyEvent, rt: RuntimeDep, who: PrincipalDep,
                          response: Response) -> dict[str, Any]:
    access.require(who, Role.INTEGRATION)
    command: c.Command
    if body.event == "call_arrived":
        if not body.queue or not body.caller:
            raise ValidationError("call_arrived needs queue and caller", {"field": "queue"})
        command = c.CallArrived(body.call_id, who.client_id, body.queue, body.caller)

        def used() -> bool:
            with rt.engine.connect() as conn:
                return contacts_read.external_ref_used(conn, body.call_id)

        # A call id is one call: reusing a finished call's id is refused here, alone,
        # rather than by the store at commit time.
        if await asyncio.to_thread(used):
            raise ConflictError("this call_id was already used", {"field": "call_id"})
    elif body.event == "call_answered":
        command = c.CallAnswered(body.call_id, who.client_id, body.agent)
    else:
        command = c.CallHungUp(body.call_id, who.client_id)
    contact: ContactView = await rt.desk.execute(command)
    if body.event == "call_arrived":
        response.status_code = 201
    return {"id": contact.id, "call_id": body.call_id, "state": str(contact.state),
            "queue": contact.queue_id, "agent_id": contact.agent_id}

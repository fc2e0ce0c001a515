"""The telephony webhook: a PBX or CPaaS drives the router with call events.

``callback_requested`` schedules a callback (``caller`` is the number, optional window);
``no_answer`` and ``busy`` report a callback's call that did not get through (its
``call_id`` is the one of the ``callback_call_requested`` event Renfort sent).

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
from renfort.domain.clock import to_seconds
from renfort.domain.errors import ConflictError, ValidationError
from renfort.services import access, contacts_read
from renfort.services import commands as c
from renfort.services.callbacks import view
from renfort.services.desk_view import ContactView
from renfort.services.principals import Role

router = APIRouter(prefix="/telephony", tags=["telephony"])


@router.post("/events")
async def telephony_event(body: TelephonyEvent, rt: RuntimeDep, who: PrincipalDep,
                          response: Response) -> dict[str, Any]:
    access.require(who, Role.INTEGRATION)
    command: c.Command
    if body.event == "callback_requested":
        if not body.caller:
            raise ValidationError("callback_requested needs caller (the number to call)",
                                  {"field": "caller"})
        row: dict[str, Any] = await rt.desk.execute(c.ScheduleCallback(
            who.client_id, body.queue, body.caller, "phone", body.call_id,
            to_seconds(body.window_start) if body.window_start else None,
            to_seconds(body.window_end) if body.window_end else None))
        response.status_code = 201
        return {"call_id": body.call_id, "callback": view(row, who)}
    if body.event in ("no_answer", "busy"):
        failed: dict[str, Any] = await rt.desk.execute(
            c.CallbackFailed(body.call_id, who.client_id, body.event))
        return {"call_id": body.call_id, "callback": view(failed, who)}
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

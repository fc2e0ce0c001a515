"""The desk's part of callbacks: scheduled in the store, made on the desk's own timer.

A callback is a row of ``callbacks`` (:mod:`renfort.domain.callbacks`). The desk keeps the
open ones in memory (rebuilt from the store like everything else, so a restart loses
none). On each tick a callback that is due, within opening hours, becomes a contact of
channel ``callback`` in its queue, with the external reference ``cb-<id>-<attempt>`` (the
call id the telephony will use); the router offers it like any contact. The agent
accepting it makes the desk write a ``callback_call_requested`` event to the outbox in the
same commit (the telephony dials); ``call_answered`` closes the callback as answered,
``no_answer`` or ``busy`` (or the agent's own disposition of that name) closes the attempt
and schedules the next, until the policy's attempts are spent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.callbacks import (
    CallbackOutcome,
    CallbackPolicy,
    CallbackState,
    OpeningHours,
    after_failure,
    check_number,
    first_due,
)
from renfort.domain.clock import Clock
from renfort.domain.contacts import Action, mask_customer_ref, next_state
from renfort.domain.errors import AgentStateError, NotFoundError, ValidationError
from renfort.domain.ids import ContactId, new_id
from renfort.domain.model import Channel
from renfort.services import commands as c
from renfort.services import outbound
from renfort.services.batch import Batch
from renfort.services.desk_state import DeskState, LiveContact
from renfort.store import operations_tables as o

CALL_PREFIX = "cb-"


class CallbackDesk(DeskState):
    """Mixed into :class:`renfort.services.desk_handlers.DeskCore`."""

    def __init__(self, clock: Clock, offer_timeout: float) -> None:
        super().__init__(clock, offer_timeout)
        self.callback_hours = OpeningHours()
        self.callback_policy = CallbackPolicy()
        self._open_callbacks: dict[str, dict[str, Any]] = {}

    def _receive(self, batch: Batch, *, queue_ref: str, channel: Channel, customer_ref: str,
                 external_ref: str | None = None, priority: int | None = None) -> LiveContact:
        raise NotImplementedError  # DeskCore's

    def _callback_memory(self) -> dict[str, dict[str, Any]]:
        return self._open_callbacks

    def _load_callbacks(self, conn: Connection) -> None:
        """The open callbacks, from the store (start-up and every rebuild)."""
        memory = self._callback_memory()
        memory.clear()
        rows = conn.execute(select(o.callbacks)
                            .where(o.callbacks.c.state != str(CallbackState.CLOSED))
                            ).mappings()
        for row in rows:
            memory[row["id"]] = dict(row)

    def callbacks_next_due(self) -> float | None:
        due = [cb["due_at"] for cb in self._callback_memory().values()
               if cb["state"] == CallbackState.SCHEDULED and cb["due_at"] is not None]
        return min(due) if due else None

    def _change_callback(self, callback: dict[str, Any], batch: Batch, **values: Any) -> None:
        values["updated_at"] = self._clock.now()
        callback.update(values)
        batch.update_callback(callback["id"], **values)
        if callback["state"] == CallbackState.CLOSED:
            self._callback_memory().pop(callback["id"], None)

    # ------------------------------------------------------------------ asked

    def _schedule_callback(self, command: c.ScheduleCallback, batch: Batch) -> dict[str, Any]:
        number = check_number(command.number)
        queue = self._callback_queue(command.queue, command.client_id)
        now = self._clock.now()
        due = first_due(now, command.window_start, command.window_end, self.callback_hours)
        row = {"id": new_id(), "client_id": queue.client_id, "queue_id": queue.id,
               "number": number, "origin": command.origin, "source_ref": command.source_ref,
               "window_start": command.window_start, "window_end": command.window_end,
               "state": str(CallbackState.SCHEDULED), "outcome": None, "attempts": 0,
               "due_at": due, "contact_id": None, "agent_id": None, "created_at": now,
               "updated_at": now, "closed_at": None}
        batch.new_callbacks.append(dict(row))
        self._callback_memory()[row["id"]] = row
        self.changed = True
        return dict(row)

    def _callback_queue(self, ref: str | None, client_id: str | None) -> Any:
        if ref is not None:
            queue = self.queue(ref)
            if client_id and queue.client_id != client_id:
                raise ValidationError("unknown queue", {"field": "queue"}, reason="queue-unknown")
            if Channel.CALLBACK not in queue.channels:
                raise ValidationError(f"queue {queue.slug!r} does not take callbacks",
                                      {"field": "queue"},
                                      reason="queue-no-callbacks", values={"queue": queue.slug})
            return queue
        for queue in sorted(self._queues.values(), key=lambda q: q.slug):
            if queue.client_id == client_id and Channel.CALLBACK in queue.channels:
                return queue
        raise ValidationError("this client has no callback queue", {"field": "queue"},
                              reason="no-callback-queue")

    # ------------------------------------------------------------------ time

    def _callbacks_due(self, batch: Batch) -> None:
        """Due callbacks become contacts (within opening hours); called on every tick."""
        now = self._clock.now()
        for callback in list(self._callback_memory().values()):
            if callback["state"] != CallbackState.SCHEDULED or callback["due_at"] is None \
                    or callback["due_at"] > now:
                continue
            if not self.callback_hours.is_open(now):
                self._change_callback(callback, batch,
                                      due_at=self.callback_hours.next_opening(now))
                continue
            if callback["queue_id"] not in self._queues:
                continue  # the queue was deleted: it waits for an operator
            attempt = int(callback["attempts"]) + 1
            contact = self._receive(batch, queue_ref=callback["queue_id"],
                                    channel=Channel.CALLBACK, customer_ref=callback["number"],
                                    external_ref=f"{CALL_PREFIX}{callback['id']}-{attempt}")
            self._change_callback(callback, batch, state=str(CallbackState.QUEUED),
                                  contact_id=contact.id)

    # ------------------------------------------------------------------ the call

    def _callback_of(self, contact: LiveContact) -> dict[str, Any] | None:
        if contact.channel is not Channel.CALLBACK:
            return None
        for callback in self._callback_memory().values():
            if callback["contact_id"] == contact.id:
                return callback
        return None

    def _callback_accepted(self, contact: LiveContact, agent_id: str, batch: Batch) -> None:
        """The agent took the callback: ask the telephony to dial, in the same commit."""
        callback = self._callback_of(contact)
        if callback is None:
            return
        attempt = int(callback["attempts"]) + 1
        now = self._clock.now()
        self._change_callback(callback, batch, state=str(CallbackState.DIALING),
                              attempts=attempt, agent_id=agent_id)
        batch.outbox.append(outbound.event_row(outbound.TELEPHONY, "callback_call_requested", {
            "call_id": contact.external_ref, "callback": callback["id"],
            "contact": contact.id, "number": callback["number"], "agent": agent_id,
            "attempt": attempt, "max_attempts": self.callback_policy.max_attempts,
            "at": now}, now))

    def _callback_answered(self, contact: LiveContact, batch: Batch) -> LiveContact | None:
        """``call_answered`` on a callback's call: the callback is done; the agent talks."""
        callback = self._callback_of(contact)
        if callback is None:
            return None
        if callback["state"] != CallbackState.DIALING:
            raise AgentStateError("this callback is not being dialled", {},
                                  reason="callback-not-dialling")
        self._change_callback(callback, batch, state=str(CallbackState.CLOSED),
                              outcome=str(CallbackOutcome.ANSWERED),
                              closed_at=self._clock.now(), due_at=None)
        return contact

    def _callback_failed(self, command: c.CallbackFailed, batch: Batch) -> dict[str, Any]:
        contact_id = self._by_external.get(command.call_id)
        contact = self._contacts.get(contact_id) if contact_id else None
        callback = self._callback_of(contact) if contact else None
        if contact is None or callback is None or \
                (command.client_id and contact.client_id != command.client_id):
            raise NotFoundError("no callback in progress with this call id",
                                {"field": "call_id"}, reason="callback-call-unknown")
        if callback["state"] != CallbackState.DIALING:
            raise AgentStateError("this callback is not being dialled", {},
                                  reason="callback-not-dialling")
        # The attempt's contact ends at once: the agent is free for the next contact.
        next_state(contact.state, Action.END)
        self._transition(contact, Action.END, batch)
        self.router.release(ContactId(contact.id))
        batch.update_contact(contact.id, ended_at=self._clock.now(),
                             disposition=command.outcome)
        self._transition(contact, Action.CLOSE, batch, disposition=command.outcome)
        return self._attempt_failed(callback, command.outcome, batch)

    def _attempt_failed(self, callback: dict[str, Any], outcome: str,
                        batch: Batch) -> dict[str, Any]:
        now = self._clock.now()
        due = after_failure(int(callback["attempts"]), now, self.callback_policy,
                            self.callback_hours)
        if due is None:
            self._change_callback(callback, batch, state=str(CallbackState.CLOSED),
                                  outcome=outcome, closed_at=now, due_at=None,
                                  contact_id=None)
        else:
            self._change_callback(callback, batch, state=str(CallbackState.SCHEDULED),
                                  outcome=outcome, due_at=due, contact_id=None)
        return dict(callback)

    def _callback_wrapped_up(self, contact: LiveContact, disposition: str,
                             batch: Batch) -> None:
        """The agent closed a callback's contact without the telephony reporting: their
        disposition says what happened (``no_answer``/``busy`` count as a failed try)."""
        callback = self._callback_of(contact)
        if callback is None or callback["state"] != CallbackState.DIALING:
            return
        if disposition in (CallbackOutcome.NO_ANSWER, CallbackOutcome.BUSY):
            self._attempt_failed(callback, disposition, batch)
            return
        self._change_callback(callback, batch, state=str(CallbackState.CLOSED),
                              outcome=str(CallbackOutcome.ANSWERED),
                              closed_at=self._clock.now(), due_at=None)


def callback_out(row: dict[str, Any], *, full_number: bool = False) -> dict[str, Any]:
    """A callback as the API shows it; the number masked unless ``full_number``."""
    out = {k: v for k, v in row.items() if k != "number"}
    out["number"] = row["number"] if full_number else mask_customer_ref(row["number"])
    return out

"""The desk's use cases: one handler per command, run by the writer against memory.

Each handler checks everything it can before it changes anything (the router refuses a call
without changing its state, by contract), then changes memory and puts the rows and events
of the change in the command's :class:`~renfort.services.batch.Batch`. The writer commits
the batch, or undoes the command when anything fails (:mod:`renfort.services.desk_writer`).

:meth:`DeskCore.load` rebuilds the memory from the store: at start-up (offers in flight go
back to their place: no agent is looking at them any more) and after a failure inside the
running process (offers stay with their agents).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, select

from renfort.domain.clock import Clock
from renfort.domain.contacts import (
    FINAL_STATES,
    HELD_STATES,
    WAITING_STATES,
    Action,
    ContactState,
    mask_customer_ref,
    next_state,
)
from renfort.domain.errors import (
    AgentStateError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from renfort.domain.ids import AgentId, ContactId, QueueId, new_id
from renfort.domain.model import Channel, WorkPlace
from renfort.knowledge.text import mask_personal
from renfort.routing.audit import summary as audit_summary
from renfort.routing.types import AgentStatus, Explanation, Offer
from renfort.services import commands as c
from renfort.services import events as ev
from renfort.services import outbound
from renfort.services.batch import Batch
from renfort.services.desk_briefings import BriefingDesk, load_gate
from renfort.services.desk_callbacks import CallbackDesk
from renfort.services.desk_state import LiveContact
from renfort.services.wire import event_from_wire
from renfort.store import repository as repo
from renfort.store import sites_repository as sites_repo
from renfort.store import tables as t

Result = Any


class DeskCore(BriefingDesk, CallbackDesk):
    """The router and the contacts in flight, and the use cases that change them."""

    def __init__(self, engine: Engine, clock: Clock, offer_timeout: float) -> None:
        super().__init__(clock, offer_timeout)
        self._engine = engine

    def handle(self, command: c.Command, batch: Batch) -> Result:
        """Run one command; ``self.changed`` tells afterwards whether memory moved."""
        self.changed = False
        name = _HANDLERS.get(type(command))
        if name is None:
            raise ValidationError(f"the desk does not run {type(command).__name__}", {})
        handler: Callable[[Any, Batch], Result] = getattr(self, name)
        return handler(command, batch)

    # ------------------------------------------------------------------ rebuild

    def load(self, conn: Connection, *, restart: bool) -> Batch:
        """Rebuild memory from the store as ``conn`` sees it; returns the rows to write
        (offers sent back at a restart, home agents put on break)."""
        self._reset_memory()
        batch = Batch()
        config = repo.load_federation(conn)
        self.gate = load_gate(conn, config.agents)
        self._apply_config(config)
        self._home_blocked = sites_repo.home_blocked(conn)
        for row in conn.execute(select(t.agents.c.id, t.agents.c.status,
                                       t.agents.c.status_reason,
                                       t.agents.c.status_since)).mappings():
            if row["status"] != AgentStatus.LOGGED_OUT:
                self.router.restore_presence(
                    AgentId(row["id"]), AgentStatus(row["status"]),
                    reason=row["status_reason"] or "", idle_since=row["status_since"])
        self._seq = repo.max_contact_seq(conn)
        columns = t.contacts.c
        active = conn.execute(
            select(columns.id, columns.seq, columns.queue_id, columns.client_id,
                   columns.channel, columns.state, columns.priority, columns.created_at,
                   columns.enqueued_at, columns.agent_id, columns.outsourcer_id,
                   columns.external_ref, columns.offered_at, columns.overflow)
            .where(columns.state.not_in([str(s) for s in FINAL_STATES]))
            .order_by(columns.seq)
        ).all()
        waiting = []
        channels = {str(ch): ch for ch in Channel}
        states = {str(s): s for s in ContactState}
        for (contact_id, seq, queue_id, client_id, channel, state, priority, created_at,
             enqueued_at, agent_id, outsourcer_id, external_ref, offered_at, overflow) in active:
            contact = LiveContact(contact_id, seq, queue_id, client_id, channels[channel],
                                  states[state], priority, created_at,
                                  enqueued_at or created_at, agent_id, outsourcer_id,
                                  external_ref, offered_at)
            if contact.state in WAITING_STATES:
                # The bulk of a backlog: no event, no row, one bulk restore below.
                self._contacts[contact.id] = contact
                if external_ref:
                    self._by_external[external_ref] = contact.id
                waiting.append(contact)
            else:
                self._restore_contact(contact, bool(overflow), batch, restart)
        self.router.restore_waiting(
            (ContactId(c.id), QueueId(c.queue_id), c.channel, c.priority, c.enqueued_at, c.seq)
            for c in waiting)
        self._enforce_home_setups(batch)
        self._load_callbacks(conn)
        return batch

    def _restore_contact(self, contact: LiveContact, overflow: bool, batch: Batch,
                         restart: bool) -> None:
        self._track(contact)
        if contact.state is ContactState.RECEIVED:
            self._transition(contact, Action.QUEUE, batch, reason="restart")
        if contact.state is ContactState.OFFERED and (restart or not contact.agent_id):
            # An offer cannot outlive the process that made it: back to its place.
            contact.agent_id = contact.outsourcer_id = contact.offered_at = None
            self._transition(contact, Action.RETURN, batch, reason="restart")
            batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
        if contact.state in WAITING_STATES:
            self.router.enqueue(ContactId(contact.id), QueueId(contact.queue_id), contact.channel,
                                contact.priority, enqueued_at=contact.enqueued_at,
                                seq=contact.seq)
        elif contact.state in HELD_STATES and contact.agent_id:
            offered = contact.state is ContactState.OFFERED
            self.router.restore_held(
                ContactId(contact.id), AgentId(contact.agent_id), QueueId(contact.queue_id),
                contact.channel, accepted=not offered,
                offered_at=(contact.offered_at or contact.enqueued_at) if offered
                else contact.enqueued_at,
                priority=contact.priority, enqueued_at=contact.enqueued_at, seq=contact.seq,
                overflow=overflow)

    # ------------------------------------------------------------------ routing and time

    def route(self, batch: Batch) -> None:
        """Make every offer possible now; part of the same commit as what caused them."""
        for offer in self.router.route():
            self.changed = True
            self._offered(offer, batch)
        for offer in self._breach_offers():
            self.changed = True
            self._offered(offer, batch)
            note = self._pinned_note(offer)
            if note is not None:
                self._message(batch, self._contacts[offer.contact_id], "system", None, note)

    def _offered(self, offer: Offer, batch: Batch) -> None:
        contact = self._contacts[offer.contact_id]
        contact.agent_id = offer.agent_id
        contact.outsourcer_id = self._agent_outsourcer.get(offer.agent_id)
        contact.offered_at = offer.at
        self._transition(contact, Action.OFFER, batch, agent_id=offer.agent_id,
                         overflow=offer.overflow, proficiency=offer.proficiency)
        batch.update_contact(contact.id, agent_id=offer.agent_id,
                             outsourcer_id=contact.outsourcer_id, overflow=offer.overflow,
                             offered_at=offer.at)
        reasons = self.router.audit(offer)
        batch.audits.append({
            "contact_id": contact.id, "at": offer.at, "agent_id": offer.agent_id,
            "outsourcer_id": contact.outsourcer_id, "queue_id": offer.queue_id,
            "rule": audit_summary(reasons)[:1000], "reasons": reasons})

    def _tick(self, _: c.Tick, batch: Batch) -> None:
        for expired in self.router.expire_offers():
            self.changed = True
            contact = self._contacts.get(expired.contact_id)
            if contact is None:
                continue
            self._transition(contact, Action.RETURN, batch, agent_id=expired.agent_id,
                             reason="timeout")
            contact.agent_id = contact.outsourcer_id = contact.offered_at = None
            batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
            self._agent_status(expired.agent_id, AgentStatus.MISSED, "offer not answered", batch)
        self._callbacks_due(batch)

    def _reload_config(self, _: c.ReloadConfig, batch: Batch) -> None:
        with self._engine.connect() as conn:
            config = repo.load_federation(conn)
            blocked = sites_repo.home_blocked(conn)
            self.gate = load_gate(conn, config.agents)
        self.changed = True
        self._apply_config(config)
        self._home_blocked = blocked
        self._enforce_home_setups(batch)
        batch.config_changed = True
        batch.touched_agents |= set(self._agent_outsourcer)
        batch.touched_queues |= set(self._queues)

    def _announce(self, command: c.Announce, batch: Batch) -> None:
        batch.published.extend(event_from_wire({**e, "id": ""}) for e in command.events)

    def _explain(self, command: c.Explain, _: Batch) -> Explanation:
        if command.contact_id not in self._contacts:
            raise NotFoundError("this contact is finished; nothing to explain", {},
                                reason="contact-finished-explain")
        explanation = self.router.explain(ContactId(command.contact_id),
                                          AgentId(command.agent_id))
        queue = self._queues.get(self._contacts[command.contact_id].queue_id)
        return explanation if queue is None else self._explain_briefing(explanation,
                                                                         queue.skill)

    # ------------------------------------------------------------------ contacts in

    def _receive(self, batch: Batch, *, queue_ref: str, channel: Channel, customer_ref: str,
                 external_ref: str | None = None, priority: int | None = None) -> LiveContact:
        queue = self.queue(queue_ref)
        if channel not in queue.channels:
            raise ValidationError(f"queue {queue.slug!r} does not take {channel} contacts",
                                  {"field": "channel"},
                                  reason="queue-channel", values={"queue": queue.slug})
        if external_ref is not None and external_ref in self._by_external:
            raise ConflictError("a contact with this external reference is in progress",
                                {"field": "external_ref"}, reason="external-ref-in-progress")
        now = self._clock.now()
        contact = LiveContact(
            id=new_id(), seq=self._seq + 1, queue_id=queue.id, client_id=queue.client_id,
            channel=channel, state=ContactState.RECEIVED,
            priority=priority if priority is not None else self._priorities[queue.id],
            created_at=now, enqueued_at=now, external_ref=external_ref,
        )
        self.router.enqueue(ContactId(contact.id), QueueId(queue.id), channel, contact.priority,
                            enqueued_at=now, seq=contact.seq)
        self.changed = True
        self._seq = contact.seq
        batch.new_contacts.append({
            "id": contact.id, "seq": contact.seq, "queue_id": contact.queue_id,
            "client_id": contact.client_id, "channel": str(channel),
            "customer_ref": customer_ref, "external_ref": external_ref,
            "priority": contact.priority, "state": str(ContactState.RECEIVED),
            "agent_id": None, "outsourcer_id": None, "overflow": False,
            "created_at": now, "enqueued_at": now, "offered_at": None, "answered_at": None,
            "ended_at": None, "disposition": None,
        })
        batch.contact_events.append({
            "contact_id": contact.id, "action": "receive", "from_state": None,
            "to_state": str(ContactState.RECEIVED), "at": now, "agent_id": None,
            "data": {"customer": mask_customer_ref(customer_ref)},
        })
        self._track(contact)
        self._transition(contact, Action.QUEUE, batch)
        return contact

    def _receive_contact(self, command: c.ReceiveContact, batch: Batch) -> LiveContact:
        contact = self._receive(batch, queue_ref=command.queue, channel=command.channel,
                                customer_ref=command.customer_ref,
                                external_ref=command.external_ref, priority=command.priority)
        if command.message:
            self._message(batch, contact, "customer", None, command.message)
        return contact

    def _hand_off_chat(self, command: c.HandOffChat, batch: Batch) -> LiveContact:
        contact = self._receive(batch, queue_ref=command.queue, channel=Channel.CHAT,
                                customer_ref=command.customer_ref)
        for author, body in command.history:
            text = body if author == "customer" else ("Assistant : " + body)[:5000]
            self._message(batch, contact, author, None, text)
        self._message(batch, contact, "system", None, command.note)
        return contact

    def _abandon(self, command: c.Abandon, batch: Batch) -> LiveContact:
        contact = self._contact(command.contact_id)
        next_state(contact.state, Action.ABANDON)
        self.router.withdraw(ContactId(contact.id))
        self.changed = True
        batch.update_contact(contact.id, ended_at=self._clock.now())
        self._transition(contact, Action.ABANDON, batch)
        return contact

    def _redirect(self, command: c.Redirect, batch: Batch) -> LiveContact:
        contact = self._contact(command.contact_id)
        next_state(contact.state, Action.REDIRECT)
        self._leave_router(contact)
        self.changed = True
        batch.update_contact(contact.id, ended_at=self._clock.now(),
                             disposition=command.target)
        self._transition(contact, Action.REDIRECT, batch, target=command.target)
        return contact

    def _leave_router(self, contact: LiveContact) -> None:
        """A waiting contact is withdrawn; one an agent holds frees its agent."""
        if contact.state in WAITING_STATES:
            self.router.withdraw(ContactId(contact.id))
        elif contact.state in HELD_STATES:
            self.router.release(ContactId(contact.id))

    def _redirect_medical(self, command: c.RedirectMedical, batch: Batch) -> LiveContact:
        contact = self._contact(command.contact_id)
        if command.agent_id is not None and contact.agent_id != command.agent_id:
            raise AgentStateError("this contact is not with this agent",
                                  {"contact": command.contact_id, "agent": command.agent_id},
                                  reason="contact-not-yours")
        next_state(contact.state, Action.REDIRECT)
        self._leave_router(contact)
        self.changed = True
        now = self._clock.now()
        batch.update_contact(contact.id, ended_at=now,
                             disposition=f"redirected: {command.target}"[:100])
        self._transition(contact, Action.REDIRECT, batch, agent_id=command.agent_id,
                         target=command.target, key=command.key, number=command.number,
                         by=command.by, label=command.label, rule=command.rule,
                         text=mask_personal(command.text)[:1000])
        if command.transfer and contact.channel is Channel.VOICE and contact.external_ref \
                and command.number:
            batch.outbox.append(outbound.event_row(outbound.TELEPHONY, "transfer_requested", {
                "call_id": contact.external_ref, "contact": contact.id,
                "target_number": command.number.replace(" ", ""), "target": command.target,
                "key": command.key, "agent": command.agent_id, "requested_by": command.by,
                "at": now}, now))
        return contact

    def _triage_note(self, command: c.TriageNote, batch: Batch) -> LiveContact:
        contact = self._contact(command.contact_id)
        self._message(batch, contact, "customer", None, command.text)  # the agent reads it
        self._message(batch, contact, "system", None, command.note)
        now = self._clock.now()
        batch.contact_events.append({
            "contact_id": contact.id, "action": "triage_redirect",
            "from_state": str(contact.state), "to_state": str(contact.state),
            "at": now, "agent_id": contact.agent_id,
            "data": {"by": "assistant", "key": command.key, "target": command.target,
                     "label": command.label, "rule": command.rule,
                     "text": mask_personal(command.text)[:1000],
                     "entry_label": command.entry_label,
                     "numbers": [{"label": label, "number": number, "kind": kind}
                                 for label, number, kind in command.numbers]}})
        batch.published.append(ev.contact_safety_alert(
            contact=contact.id, key=command.key, label=command.label,
            agent=contact.agent_id, at=now, client_id=contact.client_id,
            outsourcer_ids=self._scope(contact)))
        return contact

    def _request_callback(self, command: c.RequestCallback, batch: Batch) -> LiveContact:
        contact = self._contact(command.contact_id)
        self._transition(contact, Action.REQUEST_CALLBACK, batch)
        return contact

    # ------------------------------------------------------------------ agents on contacts

    def _accept(self, command: c.Accept, batch: Batch) -> LiveContact:
        contact = self._held_by(command.contact_id, command.agent_id)
        next_state(contact.state, Action.ACCEPT)
        self.router.accept(ContactId(contact.id), AgentId(command.agent_id))
        self.changed = True
        batch.update_contact(contact.id, answered_at=self._clock.now())
        self._transition(contact, Action.ACCEPT, batch, agent_id=command.agent_id,
                         place=str(self._agent_place.get(command.agent_id, WorkPlace.SITE)))
        self._callback_accepted(contact, command.agent_id, batch)
        return contact

    def _decline(self, command: c.Decline, batch: Batch) -> LiveContact:
        contact = self._held_by(command.contact_id, command.agent_id)
        next_state(contact.state, Action.RETURN)
        self.router.decline(ContactId(contact.id), AgentId(command.agent_id))
        self.changed = True
        self._transition(contact, Action.RETURN, batch, agent_id=command.agent_id,
                         reason="declined")
        contact.agent_id = contact.outsourcer_id = contact.offered_at = None
        batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
        return contact

    def _end(self, command: c.End, batch: Batch) -> LiveContact:
        """The conversation is over (hang-up or end of chat): the agent wraps up."""
        contact = self._contact(command.contact_id)
        if command.agent_id is not None and contact.agent_id != command.agent_id:
            raise AgentStateError("this contact is not with this agent",
                                  {"contact": command.contact_id}, reason="contact-not-yours")
        self._transition(contact, Action.END, batch)
        batch.update_contact(contact.id, ended_at=self._clock.now())
        return contact

    def _wrap_up(self, command: c.WrapUp, batch: Batch) -> LiveContact:
        """Close the contact with its disposition; ends the conversation first if needed."""
        contact = self._held_by(command.contact_id, command.agent_id)
        if contact.state is ContactState.ACCEPTED:
            self._end(c.End(command.contact_id, command.agent_id), batch)
        next_state(contact.state, Action.CLOSE)
        self.router.release(ContactId(contact.id))
        self.changed = True
        batch.update_contact(contact.id, disposition=command.disposition)
        self._transition(contact, Action.CLOSE, batch, disposition=command.disposition)
        self._callback_wrapped_up(contact, command.disposition, batch)
        return contact

    def _transfer(self, command: c.Transfer, batch: Batch) -> LiveContact:
        """Hand the contact to another queue of the same client; it queues there anew."""
        contact = self._held_by(command.contact_id, command.agent_id)
        target = self.queue(command.queue)
        next_state(contact.state, Action.TRANSFER)
        if target.client_id != contact.client_id:
            raise ValidationError("transfers stay within the contact's client",
                                  {"field": "queue"}, reason="transfer-other-client")
        if contact.channel not in target.channels:
            raise ValidationError(f"queue {target.slug!r} does not take {contact.channel}",
                                  {"field": "queue"},
                                  reason="queue-channel", values={"queue": target.slug})
        if target.id == contact.queue_id:
            raise ValidationError("the contact is already in this queue", {"field": "queue"},
                                  reason="transfer-same-queue")
        self.router.release(ContactId(contact.id))
        self.changed = True
        self._transition(contact, Action.TRANSFER, batch, agent_id=command.agent_id,
                         to_queue=target.id, from_queue=contact.queue_id)
        now = self._clock.now()
        self._seq += 1
        batch.touched_queues.add(contact.queue_id)
        contact.queue_id, contact.seq, contact.enqueued_at = target.id, self._seq, now
        contact.priority = self._priorities[target.id]
        contact.agent_id = contact.outsourcer_id = contact.offered_at = None
        batch.update_contact(contact.id, queue_id=target.id, seq=contact.seq, enqueued_at=now,
                             agent_id=None, outsourcer_id=None, priority=contact.priority,
                             offered_at=None, answered_at=None)
        self._transition(contact, Action.QUEUE, batch)
        self.router.enqueue(ContactId(contact.id), QueueId(target.id), contact.channel,
                            contact.priority, enqueued_at=now, seq=contact.seq)
        return contact

    def _message(self, batch: Batch, contact: LiveContact, author: str,
                 author_id: str | None, body: str) -> dict[str, Any]:
        message = {"contact_id": contact.id, "author": author, "author_id": author_id,
                   "body": body, "at": self._clock.now()}
        batch.messages.append(message)
        batch.published.append(ev.message_posted(
            message=message, client_id=contact.client_id, outsourcer_ids=self._scope(contact),
            agent_id=contact.agent_id))
        return message

    def _post_message(self, command: c.PostMessage, batch: Batch) -> dict[str, Any]:
        contact = self._contact(command.contact_id)
        if command.author == "agent" and (contact.agent_id != command.author_id
                                          or contact.state is not ContactState.ACCEPTED):
            raise AgentStateError("accept the contact before writing to the customer", {},
                                  reason="accept-before-writing")
        return self._message(batch, contact, command.author, command.author_id, command.body)

    # ------------------------------------------------------------------ presence

    def _log_in(self, command: c.LogIn, batch: Batch) -> AgentStatus:
        agent_id = command.agent_id
        self._known_agent(agent_id)
        self._home_refusal(agent_id)
        if self.router.agent_status(AgentId(agent_id)) is not AgentStatus.LOGGED_OUT:
            raise AgentStateError("the agent is already logged in", {"agent": agent_id},
                                  reason="already-logged-in")
        self.router.log_in(AgentId(agent_id))
        status = self.router.agent_status(AgentId(agent_id))
        self._agent_status(agent_id, status, None, batch)
        return status

    def _log_out(self, command: c.LogOut, batch: Batch) -> AgentStatus:
        self._known_agent(command.agent_id)
        self.router.log_out(AgentId(command.agent_id))
        self._agent_status(command.agent_id, AgentStatus.LOGGED_OUT, None, batch)
        return AgentStatus.LOGGED_OUT

    def _set_available(self, command: c.SetAvailable, batch: Batch) -> AgentStatus:
        self._known_agent(command.agent_id)
        self._home_refusal(command.agent_id)
        self.router.set_available(AgentId(command.agent_id))
        self._agent_status(command.agent_id, AgentStatus.AVAILABLE, None, batch)
        return AgentStatus.AVAILABLE

    def _set_break(self, command: c.SetBreak, batch: Batch) -> AgentStatus:
        self._known_agent(command.agent_id)
        self.router.set_break(AgentId(command.agent_id), command.reason)
        self._agent_status(command.agent_id, AgentStatus.BREAK, command.reason, batch)
        return AgentStatus.BREAK

    # ------------------------------------------------------------------ telephony

    def _call_arrived(self, command: c.CallArrived, batch: Batch) -> LiveContact:
        queue = self.queue(command.queue)
        if command.client_id and queue.client_id != command.client_id:
            raise ValidationError("unknown queue", {"field": "queue"}, reason="queue-unknown")
        return self._receive(batch, queue_ref=queue.id, channel=Channel.VOICE,
                             customer_ref=command.caller, external_ref=command.call_id)

    def _call(self, call_id: str, client_id: str | None) -> LiveContact:
        contact = self._contact_by_external(call_id)
        if client_id and contact.client_id != client_id:
            raise ValidationError("unknown call", {"field": "call_id"}, reason="call-unknown")
        return contact

    def _call_answered(self, command: c.CallAnswered, batch: Batch) -> LiveContact:
        contact = self._call(command.call_id, command.client_id)
        called_back = self._callback_answered(contact, batch)
        if called_back is not None:
            return called_back
        if contact.agent_id is None:
            raise AgentStateError("no agent was offered this call", {}, reason="call-not-offered")
        if command.agent and command.agent != contact.agent_id:
            raise AgentStateError("this call was offered to another agent", {},
                                  reason="call-other-agent")
        return self._accept(c.Accept(contact.id, contact.agent_id), batch)

    def _call_hung_up(self, command: c.CallHungUp, batch: Batch) -> LiveContact:
        contact = self._call(command.call_id, command.client_id)
        if contact.state is ContactState.ACCEPTED:
            return self._end(c.End(contact.id), batch)
        return self._abandon(c.Abandon(contact.id), batch)


_HANDLERS: dict[type[c.Command], str] = {
    c.ReceiveContact: "_receive_contact", c.HandOffChat: "_hand_off_chat",
    c.Abandon: "_abandon", c.Redirect: "_redirect", c.RedirectMedical: "_redirect_medical",
    c.TriageNote: "_triage_note", c.RequestCallback: "_request_callback",
    c.Accept: "_accept", c.Decline: "_decline", c.End: "_end", c.WrapUp: "_wrap_up",
    c.Transfer: "_transfer", c.PostMessage: "_post_message", c.LogIn: "_log_in",
    c.LogOut: "_log_out", c.SetAvailable: "_set_available", c.SetBreak: "_set_break",
    c.CallArrived: "_call_arrived", c.CallAnswered: "_call_answered",
    c.CallHungUp: "_call_hung_up", c.ReloadConfig: "_reload_config", c.Tick: "_tick",
    c.Announce: "_announce", c.Explain: "_explain",
    c.ScheduleCallback: "_schedule_callback", c.CallbackFailed: "_callback_failed",
}
"""Which method runs each command."""

"""The live desk: the single writer that owns the router and the contacts in flight.

Every change to contacts or to agents' presence is a command run by the desk's
:class:`~renfort.services.group_commit.GroupCommitWriter`: one at a time against the
in-memory router, then committed with the rest of its batch before anyone is answered. After
each command the router makes its offers, which are part of the same commit. At start-up,
and whenever a commit fails, the router is rebuilt from the store. What is kept in memory,
and the moves every command shares, are in :mod:`renfort.services.desk_state`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, select

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
    RenfortError,
    ValidationError,
)
from renfort.domain.ids import AgentId, ContactId, QueueId, new_id
from renfort.domain.model import Channel, WorkPlace
from renfort.knowledge.text import mask_personal
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus, Offer
from renfort.services import outbound
from renfort.services.batch import Batch
from renfort.services.desk_state import DeskState, LiveContact
from renfort.services.events import EventBus, LiveEvent
from renfort.services.group_commit import GroupCommitWriter
from renfort.store import repository as repo
from renfort.store import sites_repository as sites_repo
from renfort.store import tables as t
from renfort.store.repository import FederationConfig

log = logging.getLogger("renfort.desk")
T = TypeVar("T")


class Desk(DeskState):
    """Owns the router; every change to contacts or agents' presence goes through here."""

    def __init__(self, engine: Engine, clock: Clock, bus: EventBus, offer_timeout: float) -> None:
        super().__init__(clock, offer_timeout)
        self._engine = engine
        self._bus = bus
        self._writer = GroupCommitWriter(engine, after_each=self._route, rebuild=self.load,
                                         publish=bus.publish)
        self._timer: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    def load(self) -> None:
        """Rebuild the router from the store: configuration, presence, contacts in flight."""
        self.router = Router(self._clock, offer_timeout=self._offer_timeout)
        self._contacts.clear()
        self._by_external.clear()
        with self._engine.begin() as conn:
            self._apply_config(repo.load_federation(conn))
            self._home_blocked = sites_repo.home_blocked(conn)
            for row in conn.execute(select(t.agents.c.id, t.agents.c.status,
                                           t.agents.c.status_reason,
                                           t.agents.c.status_since)).mappings():
                self._restore_presence(AgentId(row["id"]), row["status"], row["status_reason"],
                                       row["status_since"])
            self._seq = repo.max_contact_seq(conn)
            active = conn.execute(
                select(t.contacts)
                .where(t.contacts.c.state.not_in([str(s) for s in FINAL_STATES]))
                .order_by(t.contacts.c.seq)
            ).mappings().all()
            batch = Batch()
            for row in active:
                self._restore_contact(dict(row), batch)
            self._enforce_home_setups(batch)
            batch.write(conn)

    def _restore_presence(self, agent_id: AgentId, status: str, reason: str | None,
                          since: float | None) -> None:
        """The presence the agent had before the restart, MISSED included."""
        if status == AgentStatus.LOGGED_OUT:
            return
        self.router.restore_presence(agent_id, AgentStatus(status), reason=reason or "",
                                     idle_since=since)

    def _restore_contact(self, row: dict[str, Any], batch: Batch) -> None:
        contact = LiveContact(
            id=row["id"], seq=row["seq"], queue_id=row["queue_id"], client_id=row["client_id"],
            channel=Channel(row["channel"]), state=ContactState(row["state"]),
            priority=row["priority"], created_at=row["created_at"],
            enqueued_at=row["enqueued_at"] or row["created_at"], agent_id=row["agent_id"],
            outsourcer_id=row["outsourcer_id"], external_ref=row["external_ref"],
        )
        self._track(contact)
        if contact.state is ContactState.RECEIVED:
            self._transition(contact, Action.QUEUE, batch, reason="restart")
        if contact.state is ContactState.OFFERED:
            # An offer cannot outlive the process that made it: back to its place.
            contact.agent_id = contact.outsourcer_id = None
            self._transition(contact, Action.RETURN, batch, reason="restart")
            batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
        if contact.state in WAITING_STATES:
            self.router.enqueue(ContactId(contact.id), QueueId(contact.queue_id), contact.channel,
                                contact.priority, enqueued_at=contact.enqueued_at,
                                seq=contact.seq)
        elif contact.state in HELD_STATES and contact.agent_id:
            self.router.restore_held(ContactId(contact.id), AgentId(contact.agent_id),
                                     QueueId(contact.queue_id), contact.channel,
                                     accepted=True, offered_at=contact.enqueued_at)

    async def start(self) -> None:
        await asyncio.to_thread(self.load)
        # Everything loaded so far lives as long as the process: keep the collector from
        # walking it again and again (a full pass over a large router pauses ~100 ms).
        gc.collect()
        gc.freeze()
        self._writer.start()
        self._timer = asyncio.create_task(self._ticker(), name="renfort-desk-timer")

    async def stop(self) -> None:
        if self._timer:
            self._timer.cancel()
        await self._writer.stop()

    async def submit(self, run: Callable[[Batch], T]) -> T:
        """Run ``run`` in the writer; returns once its effects are committed."""
        return await self._writer.submit(run)

    async def _ticker(self) -> None:
        """Wake the router when time alone changes something (offer timeouts, overflow…)."""
        while True:
            wake = self.router.next_wakeup()
            delay = 1.0 if wake is None else min(1.0, max(0.0, wake - self._clock.now()))
            await asyncio.sleep(delay)
            try:
                await self.submit(self._tick)
            except RenfortError:
                log.exception("timer tick failed")

    def _tick(self, batch: Batch) -> None:
        for expired in self.router.expire_offers():
            contact = self._contacts.get(expired.contact_id)
            if contact is None:
                continue
            self._transition(contact, Action.RETURN, batch, agent_id=expired.agent_id,
                             reason="timeout")
            contact.agent_id = contact.outsourcer_id = None
            batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
            self._agent_status(expired.agent_id, AgentStatus.MISSED, "offer not answered", batch)

    def _route(self, batch: Batch) -> None:
        for offer in self.router.route():
            self._offered(offer, batch)

    def _offered(self, offer: Offer, batch: Batch) -> None:
        contact = self._contacts[offer.contact_id]
        contact.agent_id = offer.agent_id
        contact.outsourcer_id = self._agent_outsourcer.get(offer.agent_id)
        self._transition(contact, Action.OFFER, batch, agent_id=offer.agent_id,
                         overflow=offer.overflow, proficiency=offer.proficiency)
        batch.update_contact(contact.id, agent_id=offer.agent_id,
                             outsourcer_id=contact.outsourcer_id, overflow=offer.overflow,
                             offered_at=offer.at)

    # ------------------------------------------------------------------ configuration

    async def refresh_config(self) -> None:
        """Reload queues, contracts, waivers and agents' profiles after an edit."""
        def read() -> tuple[FederationConfig, dict[str, tuple[str, ...]]]:
            with self._engine.connect() as conn:
                return repo.load_federation(conn), sites_repo.home_blocked(conn)

        config, blocked = await asyncio.to_thread(read)

        def apply(batch: Batch) -> None:
            self._apply_config(config)
            self._home_blocked = blocked
            self._enforce_home_setups(batch)

        await self.submit(apply)

    # ------------------------------------------------------------------ contacts

    def receive(self, batch: Batch, *, queue_ref: str, channel: Channel, customer_ref: str,
                external_ref: str | None = None, priority: int | None = None) -> LiveContact:
        """A contact arrives: received then queued, routed at once if an agent is free."""
        queue = self.queue(queue_ref)
        if channel not in queue.channels:
            raise ValidationError(f"queue {queue.slug!r} does not take {channel} contacts",
                                  {"field": "channel"})
        customer_ref = customer_ref.strip()
        if not customer_ref or len(customer_ref) > 200:
            raise ValidationError("customer_ref: 1–200 characters", {"field": "customer_ref"})
        if external_ref is not None and external_ref in self._by_external:
            raise ConflictError("a contact with this external reference is in progress",
                                {"field": "external_ref"})
        now = self._clock.now()
        self._seq += 1
        contact = LiveContact(
            id=new_id(), seq=self._seq, queue_id=queue.id, client_id=queue.client_id,
            channel=channel, state=ContactState.RECEIVED,
            priority=priority if priority is not None else self._priorities[queue.id],
            created_at=now, enqueued_at=now, external_ref=external_ref,
        )
        batch.new_contacts.append({
            "id": contact.id, "seq": contact.seq, "queue_id": contact.queue_id,
            "client_id": contact.client_id, "channel": str(channel),
            "customer_ref": customer_ref, "external_ref": external_ref,
            "priority": contact.priority, "state": str(ContactState.RECEIVED),
            "created_at": now, "enqueued_at": now, "overflow": False,
        })
        batch.contact_events.append({
            "contact_id": contact.id, "action": "receive", "from_state": None,
            "to_state": str(ContactState.RECEIVED), "at": now, "agent_id": None,
            "data": {"customer": mask_customer_ref(customer_ref)},
        })
        self._track(contact)
        self._transition(contact, Action.QUEUE, batch)
        self.router.enqueue(ContactId(contact.id), QueueId(queue.id), channel, contact.priority,
                            enqueued_at=now, seq=contact.seq)
        return contact

    def abandon(self, batch: Batch, contact_id: str) -> LiveContact:
        """The customer left before being answered."""
        contact = self._contact(contact_id)
        next_state(contact.state, Action.ABANDON)
        self.router.withdraw(ContactId(contact.id))
        batch.update_contact(contact.id, ended_at=self._clock.now())
        self._transition(contact, Action.ABANDON, batch)
        return contact

    def redirect(self, batch: Batch, contact_id: str, target: str) -> LiveContact:
        contact = self._contact(contact_id)
        next_state(contact.state, Action.REDIRECT)
        if contact.state in WAITING_STATES:
            self.router.withdraw(ContactId(contact.id))
        elif contact.state in HELD_STATES:
            self.router.release(ContactId(contact.id))
        batch.update_contact(contact.id, ended_at=self._clock.now(), disposition=target[:100])
        self._transition(contact, Action.REDIRECT, batch, target=target)
        return contact

    def redirect_medical(self, batch: Batch, contact_id: str, *, by: str,
                         agent_id: str | None, key: str, target: str, number: str | None,
                         label: str, rule: str | None, text: str,
                         transfer: bool) -> LiveContact:
        """Send a contact to a medical line: waiting, or held by ``agent_id`` (accepted or
        in wrap-up). The contact ends as ``redirected``; its event says who sent it where,
        on what triage label and rule, and what was heard (personal data masked). A call
        with ``transfer`` gets a ``transfer_requested`` event for the telephony (outbox,
        same commit)."""
        contact = self._contact(contact_id)
        if agent_id is not None and contact.agent_id != agent_id:
            raise AgentStateError("this contact is not with this agent",
                                  {"contact": contact_id, "agent": agent_id})
        next_state(contact.state, Action.REDIRECT)
        if contact.state in WAITING_STATES:
            self.router.withdraw(ContactId(contact.id))
        elif contact.state in HELD_STATES:
            self.router.release(ContactId(contact.id))
        now = self._clock.now()
        batch.update_contact(contact.id, ended_at=now, disposition=f"redirected: {target}"[:100])
        self._transition(contact, Action.REDIRECT, batch, agent_id=agent_id, target=target,
                         key=key, number=number, by=by, label=label, rule=rule,
                         text=mask_personal(text)[:1000])
        if transfer and contact.channel is Channel.VOICE and contact.external_ref and number:
            batch.outbox.append(outbound.event_row(outbound.TELEPHONY, "transfer_requested", {
                "call_id": contact.external_ref, "contact": contact.id,
                "target_number": number.replace(" ", ""), "target": target, "key": key,
                "agent": agent_id, "requested_by": by, "at": now}, now))
        return contact

    def request_callback(self, batch: Batch, contact_id: str) -> LiveContact:
        """The caller leaves a number and hangs up; the contact keeps its place."""
        contact = self._contact(contact_id)
        self._transition(contact, Action.REQUEST_CALLBACK, batch)
        return contact

    def accept(self, batch: Batch, contact_id: str, agent_id: str) -> LiveContact:
        contact = self._held_by(contact_id, agent_id)
        next_state(contact.state, Action.ACCEPT)
        self.router.accept(ContactId(contact.id), AgentId(agent_id))
        batch.update_contact(contact.id, answered_at=self._clock.now())
        self._transition(contact, Action.ACCEPT, batch, agent_id=agent_id,
                         place=str(self._agent_place.get(agent_id, WorkPlace.SITE)))
        return contact

    def decline(self, batch: Batch, contact_id: str, agent_id: str) -> LiveContact:
        contact = self._held_by(contact_id, agent_id)
        next_state(contact.state, Action.RETURN)
        self.router.decline(ContactId(contact.id), AgentId(agent_id))
        self._transition(contact, Action.RETURN, batch, agent_id=agent_id, reason="declined")
        contact.agent_id = contact.outsourcer_id = None
        batch.update_contact(contact.id, agent_id=None, outsourcer_id=None, offered_at=None)
        return contact

    def end(self, batch: Batch, contact_id: str, agent_id: str | None = None) -> LiveContact:
        """The conversation is over (hang-up or end of chat): the agent wraps up."""
        contact = self._contact(contact_id)
        if agent_id is not None and contact.agent_id != agent_id:
            raise AgentStateError("this contact is not with this agent", {"contact": contact_id})
        self._transition(contact, Action.END, batch)
        batch.update_contact(contact.id, ended_at=self._clock.now())
        return contact

    def wrap_up(self, batch: Batch, contact_id: str, agent_id: str,
                disposition: str) -> LiveContact:
        """Close the contact with its disposition; ends the conversation first if needed."""
        disposition = disposition.strip()
        if not 1 <= len(disposition) <= 100:
            raise ValidationError("disposition: 1–100 characters", {"field": "disposition"})
        contact = self._held_by(contact_id, agent_id)
        if contact.state is ContactState.ACCEPTED:
            self.end(batch, contact_id, agent_id)
        next_state(contact.state, Action.CLOSE)
        self.router.release(ContactId(contact.id))
        batch.update_contact(contact.id, disposition=disposition)
        self._transition(contact, Action.CLOSE, batch, disposition=disposition)
        return contact

    def transfer(self, batch: Batch, contact_id: str, agent_id: str,
                 queue_ref: str) -> LiveContact:
        """Hand the contact to another queue of the same client; it queues there anew."""
        contact = self._held_by(contact_id, agent_id)
        target = self.queue(queue_ref)
        next_state(contact.state, Action.TRANSFER)
        if target.client_id != contact.client_id:
            raise ValidationError("transfers stay within the contact's client",
                                  {"field": "queue"})
        if contact.channel not in target.channels:
            raise ValidationError(f"queue {target.slug!r} does not take {contact.channel}",
                                  {"field": "queue"})
        if target.id == contact.queue_id:
            raise ValidationError("the contact is already in this queue", {"field": "queue"})
        self.router.release(ContactId(contact.id))
        self._transition(contact, Action.TRANSFER, batch, agent_id=agent_id,
                         to_queue=target.id)
        now = self._clock.now()
        self._seq += 1
        contact.queue_id, contact.seq, contact.enqueued_at = target.id, self._seq, now
        contact.priority = self._priorities[target.id]
        contact.agent_id = contact.outsourcer_id = None
        batch.update_contact(contact.id, queue_id=target.id, seq=contact.seq, enqueued_at=now,
                             agent_id=None, outsourcer_id=None, priority=contact.priority,
                             offered_at=None, answered_at=None)
        self._transition(contact, Action.QUEUE, batch)
        self.router.enqueue(ContactId(contact.id), QueueId(target.id), contact.channel,
                            contact.priority, enqueued_at=now, seq=contact.seq)
        return contact

    def post_message(self, batch: Batch, contact_id: str, author: str, author_id: str | None,
                     body: str) -> dict[str, Any]:
        body = body.strip()
        if not 1 <= len(body) <= 5000:
            raise ValidationError("message: 1–5000 characters", {"field": "body"})
        contact = self._contact(contact_id)
        if author == "agent" and (contact.agent_id != author_id
                                  or contact.state is not ContactState.ACCEPTED):
            raise AgentStateError("accept the contact before writing to the customer", {})
        message = {"contact_id": contact.id, "author": author, "author_id": author_id,
                   "body": body, "at": self._clock.now()}
        batch.messages.append(message)
        batch.published.append(LiveEvent(
            type="message.posted", data={**message, "contact": contact.id},
            client_id=contact.client_id, outsourcer_ids=self._scope(contact),
            agent_id=contact.agent_id,
        ))
        return message

    # ------------------------------------------------------------------ presence

    def log_in(self, batch: Batch, agent_id: str) -> AgentStatus:
        self._known_agent(agent_id)
        self._home_refusal(agent_id)
        if self.router.agent_status(AgentId(agent_id)) is not AgentStatus.LOGGED_OUT:
            raise AgentStateError("the agent is already logged in", {"agent": agent_id})
        self.router.log_in(AgentId(agent_id))
        status = self.router.agent_status(AgentId(agent_id))
        self._agent_status(agent_id, status, None, batch)
        return status

    def log_out(self, batch: Batch, agent_id: str) -> AgentStatus:
        self._known_agent(agent_id)
        self.router.log_out(AgentId(agent_id))
        self._agent_status(agent_id, AgentStatus.LOGGED_OUT, None, batch)
        return AgentStatus.LOGGED_OUT

    def set_available(self, batch: Batch, agent_id: str) -> AgentStatus:
        self._known_agent(agent_id)
        self._home_refusal(agent_id)
        self.router.set_available(AgentId(agent_id))
        self._agent_status(agent_id, AgentStatus.AVAILABLE, None, batch)
        return AgentStatus.AVAILABLE

    def set_break(self, batch: Batch, agent_id: str, reason: str) -> AgentStatus:
        self._known_agent(agent_id)
        reason = reason.strip()
        if not 1 <= len(reason) <= 200:
            raise ValidationError("a break needs a reason (1–200 characters)",
                                  {"field": "reason"})
        self.router.set_break(AgentId(agent_id), reason)
        self._agent_status(agent_id, AgentStatus.BREAK, reason, batch)
        return AgentStatus.BREAK







"""What the desk keeps in memory between commits, and the moves every command shares.

:class:`DeskState` holds the router, the contacts in flight and the configuration maps
(queues, the outsourcers serving them, agents' places, home set-ups), and turns a state
change into its rows and live events (``_transition``, ``_agent_status``). It never touches
the store. Only the desk's writer thread uses it; everyone else reads the committed
snapshot (:mod:`renfort.services.desk_view`) that :meth:`DeskState.view_changes` feeds.

``changed`` is raised by the first move that alters memory during a command: when a command
fails after that, its in-memory effects must be undone (the writer rebuilds the memory from
the store); when it fails before, nothing needs undoing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from renfort.domain.clock import Clock
from renfort.domain.contacts import FINAL_STATES, Action, ContactState, next_state
from renfort.domain.errors import AgentStateError, ConflictError, NotFoundError
from renfort.domain.ids import AgentId, QueueId
from renfort.domain.model import Agent, Channel, Queue, WorkPlace
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus
from renfort.services import events as ev
from renfort.services.batch import Batch
from renfort.services.desk_view import (
    AgentView,
    ConfigView,
    ContactView,
    QueueLive,
    config_view_of,
)
from renfort.sites.telework import REQUIREMENTS
from renfort.store.repository import FederationConfig


@dataclass
class LiveContact:
    """A contact that is not final yet, as the desk tracks it between commits."""

    id: str
    seq: int
    queue_id: str
    client_id: str
    channel: Channel
    state: ContactState
    priority: int
    created_at: float
    enqueued_at: float
    agent_id: str | None = None
    outsourcer_id: str | None = None
    external_ref: str | None = None
    offered_at: float | None = None

    def view(self) -> ContactView:
        return ContactView(self.id, self.seq, self.queue_id, self.client_id, self.channel,
                           self.state, self.priority, self.created_at, self.enqueued_at,
                           self.agent_id, self.outsourcer_id, self.external_ref,
                           self.offered_at)


class DeskState:
    """The router and the contacts in flight, with the configuration they are routed by."""

    def __init__(self, clock: Clock, offer_timeout: float) -> None:
        self._clock = clock
        self._offer_timeout = offer_timeout
        self.router = Router(clock, offer_timeout=offer_timeout)
        self._contacts: dict[str, LiveContact] = {}
        self._by_external: dict[str, str] = {}
        self._config = FederationConfig((), (), (), (), (), (), ())
        self._config_view = ConfigView()
        self._queues: dict[str, Queue] = {}
        self._priorities: dict[str, int] = {}
        self._agent_outsourcer: dict[str, str] = {}
        self._serving: dict[str, frozenset[str]] = {}
        self._agent_place: dict[str, WorkPlace] = {}
        self._home_blocked: dict[str, tuple[str, ...]] = {}
        """Agents working from home without a cleared set-up → what they miss. They cannot
        log in or become available, so the router never offers them a contact."""
        self._seq = 0
        self.changed = False

    def _gated(self, agent: Agent) -> Agent:
        """The agent as the router sees them (an eligibility filter may narrow skills)."""
        return agent

    def _reset_memory(self) -> None:
        self.router = Router(self._clock, offer_timeout=self._offer_timeout)
        self._contacts.clear()
        self._by_external.clear()
        self._queues = {}
        self._agent_outsourcer = {}
        self.changed = True

    # ------------------------------------------------------------------ contacts in flight

    def _track(self, contact: LiveContact) -> None:
        self.changed = True
        self._contacts[contact.id] = contact
        if contact.external_ref:
            self._by_external[contact.external_ref] = contact.id

    def _forget(self, contact: LiveContact) -> None:
        self.changed = True
        self._contacts.pop(contact.id, None)
        if contact.external_ref:
            self._by_external.pop(contact.external_ref, None)

    def _scope(self, contact: LiveContact) -> frozenset[str]:
        serving = self._serving.get(contact.queue_id, frozenset())
        if contact.outsourcer_id:
            return serving | {contact.outsourcer_id}
        return serving

    def _touch(self, batch: Batch, contact: LiveContact, *agents: str | None) -> None:
        batch.touched_contacts.add(contact.id)
        batch.touched_queues.add(contact.queue_id)
        for agent in (contact.agent_id, *agents):
            if agent:
                batch.touched_agents.add(agent)

    def _transition(self, contact: LiveContact, action: Action, batch: Batch,
                    agent_id: str | None = None, **data: Any) -> None:
        before = contact.state
        after = next_state(before, action)
        now = self._clock.now()
        self.changed = True
        contact.state = after
        self._touch(batch, contact, agent_id)
        batch.update_contact(contact.id, state=str(after))
        agent = agent_id or contact.agent_id
        batch.contact_events.append({
            "contact_id": contact.id, "action": str(action), "from_state": str(before),
            "to_state": str(after), "at": now, "agent_id": agent,
            "data": {k: v for k, v in data.items() if v is not None} or None,
        })
        batch.published.append(ev.contact_changed(
            contact=contact.id, queue=contact.queue_id,
            queue_slug=self._queues[contact.queue_id].slug
            if contact.queue_id in self._queues else None,
            channel=str(contact.channel), state=str(after), before=str(before), agent=agent,
            at=now, client_id=contact.client_id, outsourcer_ids=self._scope(contact)))
        if after in FINAL_STATES:
            self._forget(contact)

    def _agent_status(self, agent_id: str, status: AgentStatus, reason: str | None,
                      batch: Batch) -> None:
        now = self._clock.now()
        self.changed = True
        batch.touched_agents.add(agent_id)
        batch.agent_updates[agent_id] = {"status": str(status), "status_reason": reason,
                                         "status_since": now}
        batch.agent_events.append({"agent_id": agent_id, "status": str(status),
                                   "reason": reason, "at": now})
        batch.published.append(ev.agent_status_changed(
            agent=agent_id, status=str(status), reason=reason, at=now,
            outsourcer_id=self._agent_outsourcer.get(agent_id)))

    def _contact(self, contact_id: str) -> LiveContact:
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise ConflictError("this contact is already finished (closed, abandoned or "
                                "redirected)", {"contact": contact_id}, reason="contact-finished")
        return contact

    def _held_by(self, contact_id: str, agent_id: str) -> LiveContact:
        contact = self._contact(contact_id)
        if contact.agent_id != agent_id:
            raise AgentStateError("this contact is not with this agent",
                                  {"contact": contact_id, "agent": agent_id},
                                  reason="contact-not-yours")
        return contact

    # ------------------------------------------------------------------ configuration

    def _apply_config(self, config: FederationConfig) -> None:
        self.changed = True
        old_queues = set(self._queues)
        old_agents = set(self._agent_outsourcer)
        self._config = config
        priorities = {c.id: c.priority for c in config.clients}
        self._config_view = config_view_of(config)
        self._queues = {q.id: q for q in config.queues}
        self._priorities = {q.id: priorities[q.client_id] for q in config.queues}
        for queue in config.queues:
            self.router.upsert_queue(queue, self._priorities[queue.id])
        self._serving = dict(self._config_view.serving)
        self.router.set_contracts(config.contracts)
        self.router.set_waivers(config.waivers)
        for agent in config.agents:
            self.router.upsert_agent(self._gated(agent))
        self._agent_outsourcer = {a.id: a.outsourcer_id for a in config.agents}
        self._agent_place = {a.id: a.works_from for a in config.agents}
        for gone in old_agents - set(self._agent_outsourcer):
            self.router.remove_agent(AgentId(gone))
        for gone in old_queues - set(self._queues):
            self.router.remove_queue(QueueId(gone))

    # ------------------------------------------------------------------ home set-ups

    def _home_refusal(self, agent_id: str) -> None:
        missing = self._home_blocked.get(agent_id)
        if missing:
            raise AgentStateError(
                "this agent works from home without a cleared set-up (missing: "
                + ", ".join(missing) + "); no contact can be routed to them",
                {"agent": agent_id, "missing": list(missing)}, reason="home-setup-missing")

    def _enforce_home_setups(self, batch: Batch) -> None:
        """Put on break every logged-in home agent whose set-up is no longer cleared: they
        finish the contacts they hold and get no new offer until it is cleared again."""
        for agent_id, missing in sorted(self._home_blocked.items()):
            if agent_id not in self._agent_outsourcer:
                continue
            status = self.router.agent_status(AgentId(agent_id))
            if status in (AgentStatus.AVAILABLE, AgentStatus.MISSED):
                reason = "télétravail non conforme : " + ", ".join(
                    REQUIREMENTS[m] for m in missing)
                self.router.set_break(AgentId(agent_id), reason[:200])
                self._agent_status(agent_id, AgentStatus.BREAK, reason[:200], batch)

    # ------------------------------------------------------------------ lookups (writer)

    def queue_id(self, ref: str) -> str:
        """A queue's id from its id or slug."""
        if ref in self._queues:
            return ref
        found = self._config_view.slugs.get(ref)
        if found is None:
            raise NotFoundError(f"unknown queue {ref!r}", {"field": "queue"},
                                reason="queue-unknown")
        return found

    def queue(self, ref: str) -> Queue:
        return self._queues[self.queue_id(ref)]

    def _contact_by_external(self, external_ref: str) -> LiveContact:
        contact_id = self._by_external.get(external_ref)
        if contact_id is None:
            raise NotFoundError("no contact in progress with this call id",
                                {"field": "call_id"}, reason="call-unknown")
        return self._contacts[contact_id]

    def _known_agent(self, agent_id: str) -> None:
        if agent_id not in self._agent_outsourcer:
            raise NotFoundError(f"unknown agent {agent_id!r}", {"field": "agent"},
                                reason="agent-unknown")

    # ------------------------------------------------------------------ the read snapshot

    def _agent_view(self, agent_id: str) -> AgentView:
        state = AgentId(agent_id)
        status = self.router.agent_status(state)
        held = tuple(h.contact_id for h in self.router.held(state))
        reason = self.router.break_reason(state) or None
        return AgentView(agent_id, status, reason, self.router.load(state), held)

    def _queue_live(self, queue_id: str) -> QueueLive:
        queue = QueueId(queue_id)
        return QueueLive(self.router.waiting_count(queue),
                         self.router.oldest_enqueued_at(queue))

    def view_changes(self, batch: Batch) -> tuple[dict[str, ContactView | None],
                                                  dict[str, AgentView],
                                                  dict[str, QueueLive]]:
        """What the committed ``batch`` changed, as snapshot entries."""
        contacts: dict[str, ContactView | None] = {}
        for contact_id in batch.touched_contacts:
            live = self._contacts.get(contact_id)
            contacts[contact_id] = live.view() if live else None
        agents = {a: self._agent_view(a) for a in batch.touched_agents
                  if a in self._agent_outsourcer}
        queues = {q: self._queue_live(q) for q in batch.touched_queues if q in self._queues}
        return contacts, agents, queues

    def full_view(self) -> tuple[ConfigView, dict[str, ContactView | None],
                                 dict[str, AgentView], dict[str, QueueLive]]:
        """The whole snapshot, after a rebuild."""
        return (self._config_view,
                {c.id: c.view() for c in self._contacts.values()},
                {a: self._agent_view(a) for a in self._agent_outsourcer},
                {q: self._queue_live(q) for q in self._queues})

    @property
    def config_view(self) -> ConfigView:
        return self._config_view

"""What the rest of the service reads of the desk: a committed snapshot, safe from any thread.

The desk's writer changes its memory (the router, the contacts in flight) one command at a
time, and that memory may hold changes that are not committed yet — or never will be, when a
commit fails. Readers never look at it. After each successful commit the writer copies what
the batch touched into this snapshot, under a lock held for microseconds; readers take the
same lock for a lookup. So a reader sees only committed state, never a half-applied batch,
and keeps seeing the last committed state while the store is unreachable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import NamedTuple

from renfort.domain.contacts import ContactState
from renfort.domain.errors import NotFoundError
from renfort.domain.model import Agent, Channel, Queue
from renfort.routing.types import AgentStatus
from renfort.store.repository import FederationConfig


class ContactView(NamedTuple):
    """A live contact as committed (a named tuple: one is made per contact at a rebuild)."""

    id: str
    seq: int
    queue_id: str
    client_id: str
    channel: Channel
    state: ContactState
    priority: int
    created_at: float
    enqueued_at: float
    agent_id: str | None
    outsourcer_id: str | None
    external_ref: str | None
    offered_at: float | None = None


@dataclass(frozen=True, slots=True)
class AgentView:
    agent_id: str
    status: AgentStatus
    reason: str | None
    load: float
    """Share of the agent's capacity taken by what it holds (1.0 is full)."""
    held: tuple[str, ...]
    """Their ids, oldest offer first."""


@dataclass(frozen=True, slots=True)
class QueueLive:
    waiting: int
    oldest_enqueued_at: float | None


@dataclass(frozen=True)
class ConfigView:
    """The routing configuration the desk runs with; replaced whole on each reload."""

    queues: dict[str, Queue] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    """slug → queue id."""
    serving: dict[str, frozenset[str]] = field(default_factory=dict)
    agents: tuple[Agent, ...] = ()
    agent_outsourcer: dict[str, str] = field(default_factory=dict)


def config_view_of(config: FederationConfig) -> ConfigView:
    """The reader's side of a federation's routing configuration."""
    serving: dict[str, set[str]] = {}
    for contract in config.contracts:
        for queue_id in contract.queue_ids:
            serving.setdefault(queue_id, set()).add(contract.outsourcer_id)
    return ConfigView(
        queues={q.id: q for q in config.queues}, slugs={q.slug: q.id for q in config.queues},
        serving={q: frozenset(o) for q, o in serving.items()}, agents=config.agents,
        agent_outsourcer={a.id: a.outsourcer_id for a in config.agents})


_IDLE = AgentView("", AgentStatus.LOGGED_OUT, None, 0.0, ())


class ConfigReads:
    """Questions on the routing configuration, the same for every reader of the desk."""

    _config: ConfigView

    @property
    def config(self) -> ConfigView:
        return self._config

    def queue_id(self, ref: str) -> str:
        """A queue's id from its id or slug."""
        config = self._config
        if ref in config.queues:
            return ref
        found = config.slugs.get(ref)
        if found is None:
            raise NotFoundError(f"unknown queue {ref!r}", {"field": "queue"},
                                reason="queue-unknown")
        return found

    def queue(self, ref: str) -> Queue:
        return self._config.queues[self.queue_id(ref)]

    def serving_outsourcers(self, queue_id: str) -> frozenset[str]:
        return self._config.serving.get(queue_id, frozenset())

    def agents(self) -> tuple[Agent, ...]:
        return self._config.agents

    def agent_outsourcer(self, agent_id: str) -> str | None:
        return self._config.agent_outsourcer.get(agent_id)


class DeskView(ConfigReads):
    """The committed state of the desk, read by API handlers, pages and statistics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config = ConfigView()
        self._contacts: dict[str, ContactView] = {}
        self._agents: dict[str, AgentView] = {}
        self._queues: dict[str, QueueLive] = {}

    # ------------------------------------------------------------------ written by the desk

    def replace(self, config: ConfigView | None, contacts: dict[str, ContactView | None],
                agents: dict[str, AgentView], queues: dict[str, QueueLive],
                everything: bool = False) -> None:
        """Install what changed (``None`` drops a contact that is over); ``everything``
        replaces the whole snapshot (after a rebuild)."""
        with self._lock:
            if config is not None:
                self._config = config
            if everything:
                self._contacts = {k: v for k, v in contacts.items() if v is not None}
                self._agents = dict(agents)
                self._queues = dict(queues)
                return
            for contact_id, view in contacts.items():
                if view is None:
                    self._contacts.pop(contact_id, None)
                else:
                    self._contacts[contact_id] = view
            self._agents.update(agents)
            self._queues.update(queues)

    # ------------------------------------------------------------------ live state

    def live_contact(self, contact_id: str) -> ContactView | None:
        with self._lock:
            return self._contacts.get(contact_id)

    def agent(self, agent_id: str) -> AgentView:
        if agent_id not in self._config.agent_outsourcer:
            raise NotFoundError(f"unknown agent {agent_id!r}", {"field": "agent"},
                                reason="agent-unknown")
        with self._lock:
            return self._agents.get(agent_id) or AgentView(agent_id, *_rest(_IDLE))

    def agent_status(self, agent_id: str) -> AgentStatus:
        return self.agent(agent_id).status

    def load(self, agent_id: str) -> float:
        with self._lock:
            view = self._agents.get(agent_id)
        return view.load if view else 0.0

    def held_by(self, agent_id: str) -> list[ContactView]:
        """The agent's contacts, offered or held, oldest offer first."""
        with self._lock:
            view = self._agents.get(agent_id)
            if view is None:
                return []
            return [self._contacts[c] for c in view.held if c in self._contacts]

    def contacts_in_flight(self) -> list[ContactView]:
        with self._lock:
            return list(self._contacts.values())

    def waiting_count(self, queue_id: str) -> int:
        with self._lock:
            live = self._queues.get(queue_id)
        return live.waiting if live else 0

    def oldest_wait(self, queue_id: str, now: float) -> float:
        with self._lock:
            live = self._queues.get(queue_id)
        if live is None or live.oldest_enqueued_at is None:
            return 0.0
        return max(0.0, now - live.oldest_enqueued_at)


def _rest(view: AgentView) -> tuple[AgentStatus, str | None, float, tuple[str, ...]]:
    return view.status, view.reason, view.load, view.held

"""A validated scenario turned into the router's domain objects and the engine's plans.

:func:`build_world` makes the real :class:`~renfort.domain.model.Queue`, ``Client``,
``Agent``, ``Contract`` and ``Waiver`` objects the live service would load, plus what the
engine needs per queue (expected arrivals per interval) and per agent group (presence).

It also splits the day into *components*: sets of queues and agent groups linked by skills.
No agent of one component may ever take a contact of another, so components are simulated
independently (each with its own router and random stream) and may run in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from renfort.domain.clock import to_seconds
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
)
from renfort.domain.model import (
    Agent,
    BullseyeTier,
    Channel,
    Client,
    Contract,
    Queue,
    Sector,
    Waiver,
    WorkPlace,
)
from renfort.simulation.scenario import AgentGroup, QueueSpec, Scenario

DEFAULT_SLUG = "default"


@dataclass(frozen=True)
class SimQueue:
    """A queue as simulated: its domain object, priority class and expected traffic."""

    index: int
    spec: QueueSpec
    queue: Queue
    priority: int
    expected: NDArray[np.float64]
    """Expected arrivals per interval (calls), surges applied."""


@dataclass(frozen=True)
class SimGroup:
    """An agent group: its domain agents and how they are present."""

    index: int
    spec: AgentGroup
    agents: tuple[Agent, ...]
    queues: tuple[int, ...]
    """Indices of the queues whose skill these agents have."""


@dataclass(frozen=True)
class Component:
    """Queues and groups linked by skills, simulated by one router."""

    index: int
    queues: tuple[int, ...]
    groups: tuple[int, ...]


@dataclass(frozen=True)
class World:
    """Everything a replication needs, built once per scenario (picklable)."""

    scenario: Scenario
    t0: float
    """POSIX seconds of the start of the day: the router's clock reads t0 + simulated time."""
    queues: tuple[SimQueue, ...]
    groups: tuple[SimGroup, ...]
    contracts: tuple[Contract, ...]
    waivers: tuple[Waiver, ...]
    components: tuple[Component, ...] = field(default=())

    @property
    def interval_seconds(self) -> float:
        return self.scenario.interval_seconds

    @property
    def intervals(self) -> int:
        return self.scenario.intervals

    @property
    def horizon(self) -> float:
        """Simulated seconds after which the run stops: the day plus the drain."""
        return self.scenario.day_seconds + self.scenario.drain_minutes * 60.0


def build_world(s: Scenario) -> World:
    """Domain objects and plans of a scenario already checked by ``parse_scenario``."""
    clients = {c.slug: Client(ClientId(c.slug), c.slug, c.name or c.slug, c.sector, c.priority)
               for c in s.clients}
    default_client = next(iter(clients)) if clients else DEFAULT_SLUG
    if not clients:
        clients[DEFAULT_SLUG] = Client(ClientId(DEFAULT_SLUG), DEFAULT_SLUG, "Default",
                                       Sector.PUBLIC)
    queues = tuple(_queue(i, q, s, clients[q.client or default_client])
                   for i, q in enumerate(s.queues))
    by_skill: dict[str, list[int]] = {}
    for q in queues:
        by_skill.setdefault(q.queue.skill, []).append(q.index)
    groups = tuple(_group(i, g, s, by_skill) for i, g in enumerate(s.agents))
    outsourcers = list(s.outsourcers) or sorted(
        {g.spec.outsourcer or DEFAULT_SLUG for g in groups})
    if s.contracts is None:
        contracts = tuple(
            Contract(ContractId(f"{o}-{c}"), ClientId(c), OutsourcerId(o),
                     frozenset(q.queue.id for q in queues if q.queue.client_id == c))
            for o in outsourcers for c in clients)
    else:
        contracts = tuple(
            Contract(ContractId(f"contract-{i}"), ClientId(c.client), OutsourcerId(c.outsourcer),
                     frozenset(QueueId(slug) for slug in c.queues))
            for i, c in enumerate(s.contracts))
    waivers = tuple(
        Waiver(WaiverId(f"waiver-{i}"), ClientId(w.client),
               frozenset(QueueId(slug) for slug in w.queues), w.conditions,
               s.start + timedelta(seconds=w.from_), s.start + timedelta(seconds=w.to),
               "scenario")
        for i, w in enumerate(s.waivers))
    return World(s, to_seconds(s.start), queues, groups, contracts, waivers,
                 _components(queues, groups))


def _queue(index: int, q: QueueSpec, s: Scenario, client: Client) -> SimQueue:
    channels = {q.channel}
    if q.callback is not None:
        channels.add(Channel.CALLBACK)
    queue = Queue(
        QueueId(q.slug), q.slug, client.id, q.name or q.slug, frozenset(channels),
        q.skill or q.slug,
        sl_target=s.sl_target if q.sl_target is None else q.sl_target,
        sl_seconds=s.sl_seconds if q.sl_seconds is None else q.sl_seconds,
        overflow_after_seconds=q.overflow_after_seconds,
        telework=q.telework,
        bullseye=tuple(BullseyeTier(t.after_seconds, t.min_proficiency) for t in q.bullseye),
        language=q.language,
    )
    return SimQueue(index, q, queue, client.priority, expected_arrivals(q, s))


def expected_arrivals(q: QueueSpec, s: Scenario) -> NDArray[np.float64]:
    """Expected calls per interval: volumes (or rate × interval length), times surges."""
    n, length = s.intervals, s.interval_seconds
    a = q.arrivals
    if a.volumes is not None:
        base = np.broadcast_to(np.asarray(a.volumes, dtype=np.float64), (n,)).copy()
    else:
        assert a.rates_per_hour is not None
        rates = np.broadcast_to(np.asarray(a.rates_per_hour, dtype=np.float64), (n,))
        base = rates * (length / 3600.0)
    starts = np.arange(n) * length
    for surge in a.surges:
        end = np.inf if surge.to is None else surge.to
        base[(starts >= surge.from_) & (starts < end)] *= surge.factor
    return base


def _group(index: int, g: AgentGroup, s: Scenario, by_skill: dict[str, list[int]]) -> SimGroup:
    outsourcer = OutsourcerId(g.outsourcer or DEFAULT_SLUG)
    site = None
    if g.location is WorkPlace.SITE:
        site = SiteId(g.site or f"{outsourcer}-site")
    size = max(g.staffing) if g.staffing is not None else (g.count or 0)
    agents = tuple(_agent(g, k, outsourcer, site) for k in range(size))
    served = sorted({i for skill in g.skills for i in by_skill.get(skill, ())})
    return SimGroup(index, g, agents, tuple(served))


def _agent(g: AgentGroup, k: int, outsourcer: OutsourcerId, site: SiteId | None) -> Agent:
    agent_id, name = AgentId(f"{g.name}-{k}"), f"{g.name} {k}"
    languages = frozenset(g.languages)
    if g.capacity is None:
        return Agent(agent_id, outsourcer, name, dict(g.skills), languages,
                     works_from=g.location, site_id=site)
    return Agent(agent_id, outsourcer, name, dict(g.skills), languages, works_from=g.location,
                 site_id=site, capacity=dict(g.capacity))


def _components(queues: tuple[SimQueue, ...], groups: tuple[SimGroup, ...]) -> tuple[
        Component, ...]:
    parent = list(range(len(queues)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for g in groups:
        for a, b in zip(g.queues, g.queues[1:], strict=False):
            parent[root(b)] = root(a)
    roots: dict[int, list[int]] = {}
    for q in queues:
        roots.setdefault(root(q.index), []).append(q.index)
    out = []
    for k, members in enumerate(roots.values()):
        member_set = set(members)
        out.append(Component(k, tuple(members),
                             tuple(g.index for g in groups if member_set & set(g.queues))))
    return tuple(out)

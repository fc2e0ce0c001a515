"""Routing benchmark: decisions per second and latency of one decision, in process.

Run: ``.venv/bin/python bench/routing.py [--decisions N] [--no-naive]``.

Scenario (seeded, reproducible): 10,000 agents of 5 outsourcers, 50 queues of 10 clients
(priority classes 1–4, voice/chat/e-mail mixes, bullseye tiers, overflow on half of them,
every telework rule), a backlog of 100,000 waiting contacts. Every agent is busy. One
*decision* is what happens when an agent finishes a contact: ``release`` → ``route()`` →
offer(s) → ``accept``. A new contact arrives after each decision (outside the timed part)
so the backlog stays at 100,000, and the virtual clock moves 30 ms, so bullseye and overflow
thresholds keep firing as in a live hotline.

For comparison, a naive router (sort every waiting contact, scan every agent, at each
decision) runs on a smaller instance, next to the real router on that same instance.
Figures are printed, never asserted: see tests for correctness.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from renfort.domain.clock import ManualClock, to_datetime
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContactId,
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
    Contract,
    Queue,
    TeleworkRule,
    Waiver,
    WorkPlace,
)
from renfort.routing.policy import (
    ContractBook,
    WaiverBook,
    fits,
    floor_at,
    load_of,
    overflow_open,
    telework_allows,
)
from renfort.routing.router import Router

START = 1_700_000_000.0
CHANNEL_MIXES = (
    (Channel.VOICE,), (Channel.CHAT,), (Channel.VOICE, Channel.CHAT),
    (Channel.CHAT, Channel.EMAIL), (Channel.EMAIL,), (Channel.VOICE, Channel.CALLBACK),
)
SLA = {Channel.VOICE: 20.0, Channel.CHAT: 60.0, Channel.EMAIL: 3600.0, Channel.CALLBACK: 600.0}
CAPACITIES = (
    {Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 2, Channel.CALLBACK: 1},
    {Channel.VOICE: 1, Channel.CHAT: 0, Channel.EMAIL: 0, Channel.CALLBACK: 1},
    {Channel.VOICE: 0, Channel.CHAT: 4, Channel.EMAIL: 3, Channel.CALLBACK: 0},
)


@dataclass
class Scenario:
    queues: list[tuple[Queue, int]]
    contracts: list[Contract]
    waivers: list[Waiver]
    agents: list[Agent]


def build_scenario(n_agents: int, n_queues: int, rng: random.Random) -> Scenario:
    outsourcers = [OutsourcerId(f"o{i}") for i in range(5)]
    clients = [(ClientId(f"c{i}"), 1 + i % 4) for i in range(10)]
    skills = [f"skill-{i}" for i in range(max(1, n_queues * 2 // 5))]
    queues: list[tuple[Queue, int]] = []
    for i in range(n_queues):
        client, priority = clients[i % len(clients)]
        channels = CHANNEL_MIXES[i % len(CHANNEL_MIXES)]
        queue = Queue(
            QueueId(f"q{i}"), f"q{i}", client, f"Queue {i}", frozenset(channels),
            skills[i % len(skills)], sl_seconds=SLA[channels[0]],
            overflow_after_seconds=120.0 if i % 2 else None,
            telework=(TeleworkRule.ALLOWED, TeleworkRule.WITH_WAIVER,
                      TeleworkRule.ON_SITE_ONLY)[i % 3],
            bullseye=(BullseyeTier(0.0, 4), BullseyeTier(20.0, 3), BullseyeTier(60.0, 1)),
        )
        queues.append((queue, priority))
    contracts = [
        Contract(ContractId(f"k{i}"), queue.client_id, outsourcers[(i + j) % len(outsourcers)],
                 frozenset({queue.id}))
        for i, (queue, _) in enumerate(queues) for j in range(2)
    ]
    waivers = [
        Waiver(WaiverId(f"w{i}"), queue.client_id, frozenset({queue.id}), "telework",
               to_datetime(START - 86_400), to_datetime(START) + timedelta(days=30), "client")
        for i, (queue, _) in enumerate(queues) if queue.telework is TeleworkRule.WITH_WAIVER
    ]
    agents = []
    for i in range(n_agents):
        home = rng.random() < 0.3
        agents.append(Agent(
            AgentId(f"a{i}"), outsourcers[i % len(outsourcers)], f"Agent {i}",
            {s: rng.randint(1, 5) for s in rng.sample(skills, rng.randint(2, 4))},
            works_from=WorkPlace.HOME if home else WorkPlace.SITE,
            site_id=None if home else SiteId("s1"),
            capacity=CAPACITIES[i % len(CAPACITIES)],
        ))
    return Scenario(queues, contracts, waivers, agents)


def _freeze() -> None:
    # A full collection over a million long-lived objects pauses ~100 ms. The live service
    # does the same after rebuilding its router state at start-up.
    gc.collect()
    gc.freeze()


class Arrivals:
    """Contacts of the scenario, in arrival order; each new one on a random line."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.lines = [(q.id, ch, p) for q, p in scenario.queues for ch in sorted(q.channels)]
        self.rng = rng
        self.count = 0

    def next(self) -> tuple[ContactId, QueueId, Channel, int]:
        self.count += 1
        queue_id, channel, priority = self.rng.choice(self.lines)
        return ContactId(f"k{self.count}"), queue_id, channel, priority


@dataclass
class Figures:
    label: str
    decisions: int
    seconds: float
    latencies_ns: list[int]
    cpu_seconds: float = 0.0
    """CPU time of the timed parts (thread time): per CPU-second, the figure does not
    depend on what else the machine runs."""

    @property
    def per_cpu_second(self) -> float:
        return self.decisions / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def per_second(self) -> float:
        return self.decisions / self.seconds if self.seconds else 0.0

    def percentile_us(self, p: float) -> float:
        """Latency at quantile ``p`` (0–1), in microseconds."""
        ordered = sorted(self.latencies_ns)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 1000.0


def _load(router: Router, scenario: Scenario, clock: ManualClock, backlog: int,
          rng: random.Random) -> tuple[Arrivals, list[tuple[ContactId, AgentId]]]:
    for queue, priority in scenario.queues:
        router.upsert_queue(queue, priority)
    router.set_contracts(scenario.contracts)
    router.set_waivers(scenario.waivers)
    for agent in scenario.agents:
        router.upsert_agent(agent)
        router.log_in(agent.id)
    arrivals = Arrivals(scenario, rng)
    # Backlog over the last 10 minutes; the first routing pass makes every agent busy, then
    # fresh arrivals over the last minute bring the backlog back to its size.
    spread = 600.0
    for i in range(backlog):
        contact, queue_id, channel, priority = arrivals.next()
        router.enqueue(contact, queue_id, channel, priority,
                       enqueued_at=clock.now() - spread + spread * i / backlog)
    held = []
    for offer in router.route():
        router.accept(offer.contact_id, offer.agent_id)
        held.append((offer.contact_id, offer.agent_id))
    missing = backlog - sum(router.waiting_count(q.id) for q, _ in scenario.queues)
    for i in range(missing):
        contact, queue_id, channel, priority = arrivals.next()
        router.enqueue(contact, queue_id, channel, priority,
                       enqueued_at=clock.now() - 60.0 + 60.0 * i / missing)
    router.route()
    return arrivals, held


def run_decisions(
    router: Router, clock: ManualClock, arrivals: Arrivals, held: list[tuple[ContactId, AgentId]],
    decisions: int, rng: random.Random, label: str,
) -> Figures:
    latencies: list[int] = []
    offers_made = 0
    elapsed = 0
    perf = time.perf_counter_ns
    cpu_time = time.thread_time_ns
    cpu = 0
    for _ in range(decisions):
        clock.advance(0.03)
        i = rng.randrange(len(held))
        contact_id, _agent = held[i]
        held[i] = held[-1]
        held.pop()
        c0 = cpu_time()
        t0 = perf()
        router.release(contact_id)
        offers = router.route()
        for offer in offers:
            router.accept(offer.contact_id, offer.agent_id)
        t1 = perf()
        cpu += cpu_time() - c0
        latencies.append(t1 - t0)
        elapsed += t1 - t0
        offers_made += len(offers)
        held.extend((o.contact_id, o.agent_id) for o in offers)
        contact, queue_id, channel, priority = arrivals.next()
        router.enqueue(contact, queue_id, channel, priority)
    return Figures(label, offers_made, elapsed / 1e9, latencies, cpu / 1e9)


def bench_in_process(
    agents: int = 10_000, queues: int = 50, backlog: int = 100_000, decisions: int = 20_000,
    seed: int = 7,
) -> Figures:
    """Build the scenario, then time ``decisions`` release → route → accept cycles."""
    rng = random.Random(seed)
    clock = ManualClock(START)
    router = Router(clock)
    scenario = build_scenario(agents, queues, rng)
    t0 = time.perf_counter()
    arrivals, held = _load(router, scenario, clock, backlog, rng)
    setup = time.perf_counter() - t0
    _freeze()
    waiting = sum(router.waiting_count(q.id) for q, _ in scenario.queues)
    print(f"setup: {agents:,} agents, {queues} queues, {waiting:,} waiting, "
          f"{len(held):,} held contacts, built in {setup:.1f} s")
    return run_decisions(router, clock, arrivals, held, decisions, rng,
                         f"router, {agents:,} agents / {backlog:,} waiting")


class NaiveRouter:
    """What one writes first: at each decision, scan all agents for room, sort all waiting
    contacts, and try the agents with room on each contact in turn.

    Same rules as the router (it reuses the policy functions), no incremental state.
    """

    def __init__(self, clock: ManualClock, scenario: Scenario) -> None:
        self.clock = clock
        self.queues = {q.id: (q, p) for q, p in scenario.queues}
        self.contracts = ContractBook(scenario.contracts)
        self.waivers = WaiverBook(scenario.waivers)
        self.agents = {a.id: a for a in scenario.agents}
        self.held: dict[AgentId, dict[ContactId, Channel]] = {a.id: {} for a in scenario.agents}
        self.idle = {a.id: clock.now() for a in scenario.agents}
        self.waiting: dict[ContactId, tuple[QueueId, Channel, int, float, int]] = {}
        self.seq = 0

    def enqueue(self, contact_id: ContactId, queue_id: QueueId, channel: Channel, priority: int,
                enqueued_at: float | None = None) -> None:
        self.seq += 1
        at = self.clock.now() if enqueued_at is None else enqueued_at
        self.waiting[contact_id] = (queue_id, channel, priority, at, self.seq)

    def release(self, agent_id: AgentId, contact_id: ContactId) -> None:
        del self.held[agent_id][contact_id]
        if not self.held[agent_id]:
            self.idle[agent_id] = self.clock.now()

    def route(self) -> list[tuple[ContactId, AgentId]]:
        now = self.clock.now()

        def key(item: tuple[ContactId, tuple[QueueId, Channel, int, float, int]]
                ) -> tuple[int, int, float, int]:
            queue, cls = self.queues[item[1][0]]
            return (cls, item[1][2], (item[1][3] - now) / queue.sl_seconds, item[1][4])

        def has_room(agent: Agent) -> bool:
            counts: dict[Channel, int] = {}
            for ch in self.held[agent.id].values():
                counts[ch] = counts.get(ch, 0) + 1
            load = load_of(counts, agent.capacity)
            return any(fits(load, agent.capacity, ch) for ch in agent.capacity)

        offers = []
        ready = [agent for agent in self.agents.values() if has_room(agent)]
        for contact_id, (queue_id, channel, _, at, _) in sorted(self.waiting.items(), key=key):
            if not ready:
                break
            queue = self.queues[queue_id][0]
            best: tuple[int, float, AgentId] | None = None
            for agent in ready:
                level = agent.skills.get(queue.skill, 0)
                counts: dict[Channel, int] = {}
                for ch in self.held[agent.id].values():
                    counts[ch] = counts.get(ch, 0) + 1
                if (level < floor_at(queue, at, now)
                        or not fits(load_of(counts, agent.capacity), agent.capacity, channel)
                        or not telework_allows(agent, queue, self.waivers, now)
                        or not (self.contracts.covers(agent.outsourcer_id, queue_id)
                                or overflow_open(queue, at, now))):
                    continue
                candidate = (-level, self.idle[agent.id], agent.id)
                if best is None or candidate < best:
                    best = candidate
            if best is not None:
                self.held[best[2]][contact_id] = channel
                del self.waiting[contact_id]
                offers.append((contact_id, best[2]))
                ready = [agent for agent in ready if has_room(agent)]
        return offers


def bench_naive(
    agents: int, backlog: int, decisions: int, naive_decisions: int, seed: int = 7
) -> list[Figures]:
    """The real router and the naive one on the same smaller instance."""
    figures = []
    rng = random.Random(seed)
    scenario = build_scenario(agents, 50, rng)
    clock = ManualClock(START)
    router = Router(clock)
    arrivals, held = _load(router, scenario, clock, backlog, random.Random(seed))
    _freeze()
    figures.append(run_decisions(router, clock, arrivals, held, decisions, random.Random(seed),
                                 f"router, {agents:,} agents / {backlog:,} waiting"))
    clock = ManualClock(START)
    naive = NaiveRouter(clock, scenario)
    arrivals = Arrivals(scenario, random.Random(seed))
    for i in range(backlog + 3 * agents):
        naive.enqueue(*arrivals.next(), enqueued_at=clock.now() - 600.0 + 600.0 * i / backlog)
    pairs = naive.route()
    perf = time.perf_counter_ns
    latencies: list[int] = []
    made = 0
    for _ in range(naive_decisions):
        clock.advance(0.03)
        contact_id, agent_id = pairs.pop(rng.randrange(len(pairs)))
        t0 = perf()
        naive.release(agent_id, contact_id)
        new = naive.route()
        latencies.append(perf() - t0)
        made += len(new)
        pairs.extend(new)
        naive.enqueue(*arrivals.next())
    figures.append(Figures(f"naive, {agents:,} agents / {backlog:,} waiting", made,
                           sum(latencies) / 1e9, latencies))
    return figures


def _table(rows: list[Figures]) -> None:
    print(f"{'run':<42} {'decisions':>9} {'decisions/s':>12} {'per CPU-s':>10} {'p50 µs':>9} "
          f"{'p99 µs':>9} {'p99.9 µs':>9} {'max µs':>9}")
    for f in rows:
        cpu = f"{f.per_cpu_second:>10,.0f}" if f.cpu_seconds else f"{'':>10}"
        print(f"{f.label:<42} {f.decisions:>9,} {f.per_second:>12,.0f} {cpu} "
              f"{f.percentile_us(0.5):>9.1f} {f.percentile_us(0.99):>9.1f} "
              f"{f.percentile_us(0.999):>9.1f} {f.percentile_us(1.0):>9.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args(argv)
    rows = [bench_in_process(decisions=args.decisions)]
    if not args.no_naive:
        rows += bench_naive(agents=1_000, backlog=10_000, decisions=5_000, naive_decisions=40)
    _table(rows)
    print("targets: ≥ 50,000 decisions per CPU-second and p99 ≤ 1,000 µs (first row)")
    print("HTTP intake: bench/http_contacts.py (1 and 2 processes, SQLite and PostgreSQL)")


if __name__ == "__main__":
    main()

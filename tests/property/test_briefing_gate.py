"""The briefing gate under random agents, briefings and event sequences.

Property: an offer never goes to an agent not briefed for the contact's queue while an
agent who is briefed could take that contact. The normal pass only sees narrowed agents;
the breach pass opens a queue to unbriefed agents only after the normal pass, and only for
contacts that waited the queue's threshold. Eligibility of briefed agents is read through
``explain`` (independent of the matcher), just before the breach pass.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from renfort.domain.clock import ManualClock
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContactId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
)
from renfort.domain.model import Agent, BullseyeTier, Channel, Contract, Queue
from renfort.routing.briefing_gate import Briefing, BriefingGate, breach_pass
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus

T0 = 1_584_435_600.0
QUEUES = (
    Queue(QueueId("general"), "general", ClientId("c"), "Général", frozenset({Channel.VOICE}),
          "info", sl_seconds=60.0,
          bullseye=(BullseyeTier(0.0, 3), BullseyeTier(30.0, 1))),
    Queue(QueueId("travel"), "travel", ClientId("c"), "Voyages", frozenset({Channel.VOICE}),
          "travel", sl_seconds=20.0),
)
CONTRACT = Contract(ContractId("k"), ClientId("c"), OutsourcerId("o"),
                    frozenset(q.id for q in QUEUES))

agents_strategy = st.lists(
    st.tuples(st.integers(1, 5), st.one_of(st.none(), st.integers(1, 5)), st.booleans()),
    min_size=1, max_size=6)
events = st.lists(st.one_of(
    st.tuples(st.just("arrive"), st.integers(0, 1)),
    st.tuples(st.just("release"), st.integers(0, 50)),
    st.tuples(st.just("wait"), st.sampled_from((5.0, 15.0, 25.0, 45.0))),
    st.tuples(st.just("break"), st.integers(0, 5)),
    st.tuples(st.just("back"), st.integers(0, 5)),
), min_size=1, max_size=40)


@settings(max_examples=150)
@given(agents_strategy, events)
def test_never_an_unbriefed_offer_while_a_briefed_agent_is_eligible(
        specs: list[tuple[int, int | None, bool]],
        steps: list[tuple[str, float | int]]) -> None:
    clock = ManualClock(T0)
    router = Router(clock)
    agents = []
    for i, (info, travel, _) in enumerate(specs):
        skills = {"info": info} | ({"travel": travel} if travel else {})
        agents.append(Agent(AgentId(f"a{i}"), OutsourcerId("o"), f"A{i}", skills,
                            site_id=SiteId("s")))
    briefing = Briefing("b1", frozenset({"info"}), "Rassemblements")
    acked = [("b1", a.id) for a, (_, _, briefed) in zip(agents, specs, strict=True) if briefed]
    gate = BriefingGate.build(agents, [briefing], acked)
    for queue in QUEUES:
        router.upsert_queue(queue, 1)
    router.set_contracts([CONTRACT])
    for agent in agents:
        router.upsert_agent(gate.restrict(agent))
        router.log_in(agent.id)
        router.set_available(agent.id)
    queue_of: dict[ContactId, Queue] = {}
    held: list[ContactId] = []

    def route() -> None:
        for offer in router.route():
            assert not gate.holds_back(offer.agent_id, queue_of[offer.contact_id])
            router.accept(offer.contact_id, offer.agent_id)
            held.append(offer.contact_id)
        eligible_briefed = {
            contact: any(router.explain(contact, a.id).eligible for a in agents
                         if not gate.holds_back(a.id, queue_of[contact]))
            for contact in router.waiting()}
        for offer in breach_pass(router, gate, agents, QUEUES, clock.now()):
            queue = queue_of[offer.contact_id]
            assert gate.holds_back(offer.agent_id, queue)
            assert not eligible_briefed[offer.contact_id], "a briefed agent was eligible"
            router.accept(offer.contact_id, offer.agent_id)
            held.append(offer.contact_id)

    for n, (kind, value) in enumerate(steps):
        if kind == "arrive":
            contact = ContactId(f"k{n}")
            queue = QUEUES[int(value)]
            queue_of[contact] = queue
            router.enqueue(contact, queue.id, Channel.VOICE, 1)
        elif kind == "release" and held:
            contact = held.pop(int(value) % len(held))
            router.release(contact)
        elif kind == "wait":
            clock.advance(float(value))
            router.expire_offers()
            for agent in agents:
                if router.agent_status(agent.id) is AgentStatus.MISSED:
                    router.set_available(agent.id)
        elif kind == "break":
            router.set_break(agents[int(value) % len(agents)].id, "pause")
        elif kind == "back":
            router.set_available(agents[int(value) % len(agents)].id)
        route()

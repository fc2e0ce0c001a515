"""Contract volume shares: a 70/30 split holds over 1,000 simulated contacts when both
outsourcers have free agents; service comes first; beyond-share offers are contract
overflow in the audit."""

from __future__ import annotations

import heapq
import random

from hypothesis import given
from hypothesis import strategies as st

from renfort.domain.clock import ManualClock
from renfort.domain.ids import AgentId, ClientId, ContactId, ContractId, OutsourcerId, QueueId
from renfort.domain.model import Agent, Channel, Contract, Queue, SiteId
from renfort.routing.router import Router

Q = QueueId("shared")
VOICE = Channel.VOICE


def _router(shares: tuple[float, float] | None, *, skills: tuple[int, int] = (3, 4),
            agents: int = 4) -> tuple[Router, ManualClock]:
    clock = ManualClock(1_000_000.0)
    router = Router(clock, offer_timeout=20.0)
    router.upsert_queue(Queue(Q, "shared", ClientId("c"), "Shared", frozenset({VOICE}),
                              "covid", sl_seconds=60.0), 1)
    contracts = [Contract(ContractId(f"k-{o}"), ClientId("c"), OutsourcerId(o), frozenset({Q}),
                          volume_share=1.0 if shares is None else share)
                 for o, share in zip(("a", "b"), shares or (1.0, 1.0), strict=True)]
    router.set_contracts(contracts)
    for o, level in zip(("a", "b"), skills, strict=True):
        for n in range(agents):
            agent = Agent(AgentId(f"{o}{n}"), OutsourcerId(o), f"{o}{n}", {"covid": level},
                          site_id=SiteId("site"))
            router.upsert_agent(agent)
            router.log_in(agent.id)
    return router, clock


def _simulate(router: Router, clock: ManualClock, contacts: int, seed: int) -> dict[str, int]:
    """Poisson arrivals, every offer accepted at once, exponential handling; returns the
    offers per outsourcer."""
    rng = random.Random(seed)
    events: list[tuple[float, int, str, str]] = []
    t = clock.now()
    for n in range(contacts):
        t += rng.expovariate(1 / 30.0)
        heapq.heappush(events, (t, n, "arrive", f"c{n}"))
    served = {"a": 0, "b": 0}
    tick = contacts
    while events:
        at, _, kind, contact = heapq.heappop(events)
        clock.set(at)
        if kind == "arrive":
            router.enqueue(ContactId(contact), Q, VOICE, 1)
        else:
            router.release(ContactId(contact))
        for offer in router.route():
            router.accept(offer.contact_id, offer.agent_id)
            served[offer.agent_id[0]] += 1
            tick += 1
            heapq.heappush(events, (at + rng.expovariate(1 / 60.0), tick, "release",
                                    offer.contact_id))
    return served


def test_a_70_30_split_ends_within_5_points_over_1000_contacts() -> None:
    router, clock = _router((0.7, 0.3))
    served = _simulate(router, clock, 1000, seed=7)
    assert sum(served.values()) == 1000
    assert abs(served["a"] / 1000 - 0.7) <= 0.05, served


def test_without_shares_the_best_agents_take_everything() -> None:
    # The same traffic without stated shares: Nordcom-like "b" is more proficient and free,
    # so it answers nearly everything. The share rule is what brings "a" to 70 %.
    router, clock = _router(None)
    served = _simulate(router, clock, 1000, seed=7)
    assert served["a"] / 1000 < 0.2, served


@given(st.integers(min_value=5, max_value=9), st.integers(min_value=0, max_value=10_000))
def test_any_split_holds_within_5_points(tenths: int, seed: int) -> None:
    share = tenths / 10
    router, clock = _router((share, round(1 - share, 1)), skills=(4, 3))
    served = _simulate(router, clock, 1000, seed=seed)
    assert abs(served["a"] / 1000 - share) <= 0.05, (share, served)


def test_service_first_past_the_threshold_and_contract_overflow_in_the_audit() -> None:
    router, clock = _router((0.5, 0.5), skills=(5, 3), agents=1)
    # "a" (more proficient) takes a first contact; "b" is then below its share.
    router.enqueue(ContactId("first"), Q, VOICE, 1)
    (offer,) = router.route()
    assert offer.agent_id == "a0"
    router.accept(offer.contact_id, offer.agent_id)
    clock.advance(1)
    router.release(ContactId("first"))
    router.set_break(AgentId("b0"), "pause")
    router.route()
    # Only "a" is free: it takes the next contact beyond its share (contract overflow).
    router.enqueue(ContactId("second"), Q, VOICE, 1)
    (offer,) = router.route()
    assert offer.agent_id == "a0"
    reasons = router.audit(offer)
    assert reasons["overflow"] == "contract" and reasons["share"]["beyond_share"] is True
    router.accept(offer.contact_id, offer.agent_id)
    # A contact waits past the service-level time while nobody is free ...
    router.enqueue(ContactId("late"), Q, VOICE, 1)
    clock.advance(61)
    router.release(ContactId("second"))
    router.set_available(AgentId("b0"))
    # ... then both are free at once: it goes to the best agent, whatever the shares.
    (offer,) = router.route()
    assert offer.agent_id == "a0"
    assert router.audit(offer)["share"]["rule"].startswith("service first")
    router.accept(offer.contact_id, offer.agent_id)
    clock.advance(1)
    router.release(ContactId("late"))
    router.set_break(AgentId("b0"), "pause")
    router.set_available(AgentId("b0"))
    # A fresh contact with both free goes to "b", below its share: a share correction.
    router.enqueue(ContactId("fresh"), Q, VOICE, 1)
    (offer,) = router.route()
    assert offer.agent_id == "b0"
    share = router.audit(offer)["share"]
    assert share["corrected"] is True and share["passed_over"] == "a"

"""The router against its rules, under random configurations and random event sequences.

Invariants, checked after every step:

* conservation: every contact ever queued is exactly one of waiting, held by exactly one
  agent, withdrawn or released;
* no agent over capacity;
* right after ``route()``, no ready agent may take any waiting contact (work-conserving),
  and nothing changes before ``next_wakeup()``.

After every ``route()``, for every offer made:

* the agent was eligible (``explain`` fails only on "waiting": the contact is now held);
* no waiting contact ahead of it in routing order was eligible for that agent at its turn
  (priority, SLA ratio, FIFO within a line, with declines honoured);
* no agent with room now that may take it ranks better (proficiency, idle time, rank).

Everything is checked through ``explain`` and the public read side, independently of the
matcher's buckets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from renfort.domain.clock import ManualClock, to_datetime
from renfort.domain.errors import AgentStateError, ConflictError
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
    DEFAULT_BULLSEYE,
    Agent,
    BullseyeTier,
    Channel,
    Contract,
    Queue,
    TeleworkRule,
    Waiver,
    WorkPlace,
)
from renfort.routing import matching
from renfort.routing.policy import fits, load_of
from renfort.routing.router import Router
from renfort.routing.types import AgentStatus, HoldState, Offer

T0 = 1_000_000.0
CHANNELS = (Channel.VOICE, Channel.CHAT, Channel.EMAIL)
SKILLS = ("covid", "energy")
OUTSOURCERS = ("o1", "o2", "o3")
BULLSEYES = (
    DEFAULT_BULLSEYE,
    (BullseyeTier(0.0, 4), BullseyeTier(20.0, 3), BullseyeTier(60.0, 1)),
    (BullseyeTier(0.0, 5), BullseyeTier(40.0, 2)),
)
CAPACITIES: tuple[Mapping[Channel, int], ...] = (
    {Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 2},
    {Channel.VOICE: 1},
    {Channel.CHAT: 2, Channel.EMAIL: 1},
    {Channel.VOICE: 1, Channel.CHAT: 0, Channel.EMAIL: 3},
)
CONTENT_CHECKS = ("skill", "language", "telework", "contract", "declined")
"""Checks that depend on the contact, not on the agent's presence or load."""


@dataclass(frozen=True)
class Config:
    queues: list[tuple[Queue, int]]
    contracts: list[Contract]
    waivers: list[Waiver]
    agents: list[tuple[Agent, bool]]


@st.composite
def configs(draw: st.DrawFn) -> Config:
    queues = []
    for i in range(draw(st.integers(1, 3))):
        channels = draw(st.sets(st.sampled_from(CHANNELS), min_size=1, max_size=3))
        queue = Queue(
            QueueId(f"q{i}"), f"q{i}", ClientId(draw(st.sampled_from(("c1", "c2")))),
            f"Queue {i}", frozenset(channels), draw(st.sampled_from(SKILLS)),
            sl_seconds=draw(st.sampled_from((20.0, 60.0))),
            overflow_after_seconds=draw(st.sampled_from((None, 0.0, 30.0, 90.0))),
            telework=draw(st.sampled_from(list(TeleworkRule))),
            bullseye=draw(st.sampled_from(BULLSEYES)),
            language=draw(st.sampled_from((None, None, "en"))),
        )
        queues.append((queue, draw(st.integers(1, 3))))
    contracts: list[Contract] = []
    for queue, _ in queues:
        # o1 usually serves every queue, o2 sometimes, o3 never (it only gets overflow).
        chosen = draw(st.sampled_from(((), ("o1",), ("o1",), ("o1", "o2"), ("o2",))))
        for outsourcer in chosen:
            contracts.append(Contract(ContractId(f"k{len(contracts)}"), queue.client_id,
                                      OutsourcerId(outsourcer), frozenset({queue.id})))
    waivers = []
    for i in range(draw(st.integers(0, 2))):
        queue, _ = draw(st.sampled_from(queues))
        start = draw(st.sampled_from((-50.0, 0.0, 30.0, 100.0)))
        end = start + draw(st.sampled_from((20.0, 80.0, 500.0)))
        revoked = draw(st.sampled_from((None, start + 10.0)))
        waivers.append(Waiver(
            WaiverId(f"w{i}"), queue.client_id, frozenset({queue.id}), "telework",
            to_datetime(T0 + start), to_datetime(T0 + end), "client",
            revoked_at=None if revoked is None else to_datetime(T0 + revoked),
        ))
    agents = []
    for i in range(draw(st.integers(2, 5))):
        home = draw(st.sampled_from((False, False, True)))
        levels = st.sampled_from((None, 1, 2, 3, 4, 5, 5))
        skills = {s: level for s in SKILLS if (level := draw(levels)) is not None} or {"covid": 3}
        agent = Agent(
            AgentId(f"a{i}"), OutsourcerId(draw(st.sampled_from(OUTSOURCERS))), f"A{i}",
            skills, works_from=WorkPlace.HOME if home else WorkPlace.SITE,
            site_id=None if home else SiteId("s1"),
            capacity=draw(st.sampled_from(CAPACITIES)),
            languages=draw(st.sampled_from((frozenset({"fr"}), frozenset({"fr", "en"})))),
        )
        agents.append((agent, draw(st.sampled_from((True, True, True, False)))))
    return Config(queues, contracts, waivers, agents)


class RouterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(T0)
        self.router = Router(self.clock, offer_timeout=20.0)
        self.queues: dict[QueueId, tuple[Queue, int]] = {}
        self.agents: list[AgentId] = []
        self.enqueued: list[ContactId] = []
        self.gone: dict[ContactId, str] = {}
        self.routed = False
        self.offers_made = 0

    # ---- setup ----------------------------------------------------------------------------

    @initialize(config=configs())
    def configure(self, config: Config) -> None:
        for queue, priority in config.queues:
            self.router.upsert_queue(queue, priority)
            self.queues[queue.id] = (queue, priority)
        self.router.set_contracts(config.contracts)
        self.router.set_waivers(config.waivers)
        for agent, logged_in in config.agents:
            self.router.upsert_agent(agent)
            self.agents.append(agent.id)
            if logged_in:
                self.router.log_in(agent.id)

    # ---- helpers --------------------------------------------------------------------------

    def _live(self) -> list[ContactId]:
        return [c for c in self.enqueued if c not in self.gone]

    def _held(self, state: HoldState) -> list[ContactId]:
        return [c for c in self._live() if self.router.place(c).state is state]

    def _key(self, contact_id: ContactId) -> tuple[int, int, float, int]:
        place = self.router.place(contact_id)
        queue, priority_class = self.queues[place.queue_id]
        now = self.clock.now()
        return (priority_class, place.priority, (place.enqueued_at - now) / queue.sl_seconds,
                place.seq)

    def _changed(self, then_route: bool) -> None:
        self.routed = False
        if then_route:
            self.route()

    # ---- events ---------------------------------------------------------------------------

    @rule(picks=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 2), st.integers(1, 3)),
                         min_size=1, max_size=4),
          then_route=st.booleans())
    def arrive(self, picks: list[tuple[int, int, int]], then_route: bool) -> None:
        for pick, channel, priority in picks:
            queue, _ = list(self.queues.values())[pick % len(self.queues)]
            channels = sorted(queue.channels)
            contact_id = ContactId(f"k{len(self.enqueued)}")
            self.router.enqueue(contact_id, queue.id, channels[channel % len(channels)],
                                priority)
            self.enqueued.append(contact_id)
        self._changed(then_route)

    @rule()
    def route(self) -> None:
        offers = self.router.route()
        self.offers_made += len(offers)
        for offer in offers:
            self._check_offer(offer, offers)
        self.routed = True

    @precondition(lambda self: self.routed)
    @rule()
    def quiet_until_wakeup(self) -> None:
        now = self.clock.now()
        wake = self.router.next_wakeup()
        if wake is None:
            self.clock.advance(1000.0)
        elif wake > now:
            self.clock.set(now + (wake - now) / 2)
        else:
            return
        assert self.router.expire_offers() == []
        assert self.router.route() == []

    @rule(pick=st.integers(0, 99), then_route=st.booleans())
    def accept(self, pick: int, then_route: bool) -> None:
        offered = self._held(HoldState.OFFERED)
        if not offered:
            return
        contact_id = offered[pick % len(offered)]
        place = self.router.place(contact_id)
        assert place.agent_id is not None
        (held,) = [h for h in self.router.held(place.agent_id) if h.contact_id == contact_id]
        if self.clock.now() >= held.since + 20.0:
            with pytest.raises(ConflictError):
                self.router.accept(contact_id, place.agent_id)
        else:
            self.router.accept(contact_id, place.agent_id)
        self._changed(then_route)

    @rule(pick=st.integers(0, 99), then_route=st.booleans())
    def decline(self, pick: int, then_route: bool) -> None:
        offered = self._held(HoldState.OFFERED)
        if offered:
            contact_id = offered[pick % len(offered)]
            agent_id = self.router.place(contact_id).agent_id
            assert agent_id is not None
            self.router.decline(contact_id, agent_id)
            assert self.router.is_waiting(contact_id)
            self._changed(then_route)

    @rule(pick=st.integers(0, 99), then_route=st.booleans())
    def release(self, pick: int, then_route: bool) -> None:
        accepted = self._held(HoldState.ACCEPTED)
        if accepted:
            contact_id = accepted[pick % len(accepted)]
            self.router.release(contact_id)
            self.gone[contact_id] = "released"
            self._changed(then_route)

    @rule(pick=st.integers(0, 99), then_route=st.booleans())
    def abandon(self, pick: int, then_route: bool) -> None:
        candidates = [c for c in self._live()
                      if self.router.place(c).state is not HoldState.ACCEPTED]
        if candidates:
            contact_id = candidates[pick % len(candidates)]
            self.router.withdraw(contact_id)
            self.gone[contact_id] = "withdrawn"
            self._changed(then_route)

    @rule(then_route=st.booleans())
    def expire(self, then_route: bool) -> None:
        for expired in self.router.expire_offers():
            assert expired.at <= self.clock.now()
            assert self.router.agent_status(expired.agent_id) is AgentStatus.MISSED
            assert self.router.is_waiting(expired.contact_id)
        self._changed(then_route)

    @rule(seconds=st.sampled_from((0.5, 5.0, 15.0, 25.0, 45.0, 100.0)), then_route=st.booleans())
    def advance(self, seconds: float, then_route: bool) -> None:
        self.clock.advance(seconds)
        self._changed(then_route)

    @rule(pick=st.integers(0, 99),
          action=st.sampled_from(("break", "available", "available", "out", "in", "in")),
          then_route=st.booleans())
    def presence(self, pick: int, action: str, then_route: bool) -> None:
        agent_id = self.agents[pick % len(self.agents)]
        status = self.router.agent_status(agent_id)
        pending = [h for h in self.router.held(agent_id) if h.state is HoldState.OFFERED]
        logged_out = status is AgentStatus.LOGGED_OUT
        if action == "break":
            if logged_out:
                with pytest.raises(AgentStateError):
                    self.router.set_break(agent_id, "pause")
            else:
                self.router.set_break(agent_id, "pause")
        elif action == "available":
            if logged_out:
                with pytest.raises(AgentStateError):
                    self.router.set_available(agent_id)
            else:
                self.router.set_available(agent_id)
        elif action == "out":
            if logged_out or pending:
                with pytest.raises(AgentStateError):
                    self.router.log_out(agent_id)
                assert self.router.agent_status(agent_id) is status
            else:
                self.router.log_out(agent_id)
        elif logged_out:
            self.router.log_in(agent_id)
        else:
            with pytest.raises(AgentStateError):
                self.router.log_in(agent_id)
        self._changed(then_route)

    # ---- checks ---------------------------------------------------------------------------

    def _check_offer(self, offer: Offer, offers: list[Offer]) -> None:
        router = self.router
        explanation = router.explain(offer.contact_id, offer.agent_id)
        assert [c.name for c in explanation.failed] == ["waiting"], explanation
        agent = self._agent(offer.agent_id)
        queue, _ = self.queues[offer.queue_id]
        assert offer.proficiency == agent.skills[queue.skill]
        assert offer.overflow == ("no contract" in explanation.check("contract").detail)
        key = self._key(offer.contact_id)
        # No waiting contact ahead of it could go to this agent when its turn came.
        for waiting in router.waiting():
            waiting_key = self._key(waiting)
            if waiting_key > key:
                continue
            checks = router.explain(waiting, offer.agent_id)
            if any(not checks.check(name).passed for name in CONTENT_CHECKS):
                continue
            later = [o for o in offers if o.agent_id == offer.agent_id
                     and self._key(o.contact_id) >= waiting_key]
            assert not self._had_room(agent, later, router.place(waiting).channel), (
                f"{waiting} was ahead of {offer.contact_id} and open to {offer.agent_id}")
        # No agent with room now that may take it ranks better.
        best = (-offer.proficiency, router.idle_since(offer.agent_id),
                self.agents.index(offer.agent_id))
        for other in self.agents:
            if other == offer.agent_id:
                continue
            checks = router.explain(offer.contact_id, other)
            if [c.name for c in checks.failed] == ["waiting"]:
                level = self._agent(other).skills[queue.skill]
                assert (-level, router.idle_since(other), self.agents.index(other)) > best

    def _had_room(self, agent: Agent, later: list[Offer], channel: Channel) -> bool:
        """Whether the agent had room on ``channel`` before the ``later`` offers."""
        counts: dict[Channel, int] = {}
        skip = {o.contact_id for o in later}
        for held in self.router.held(agent.id):
            if held.contact_id not in skip:
                counts[held.channel] = counts.get(held.channel, 0) + 1
        return fits(load_of(counts, agent.capacity), agent.capacity, channel)

    def _agent(self, agent_id: AgentId) -> Agent:
        return self.router._state.agents[agent_id].agent  # test-only peek at the profile

    @invariant()
    def every_contact_is_in_exactly_one_place(self) -> None:
        holders: dict[ContactId, list[AgentId]] = {}
        for agent_id in self.agents:
            for held in self.router.held(agent_id):
                holders.setdefault(held.contact_id, []).append(agent_id)
        waiting = set(self.router.waiting())
        for contact_id in self.enqueued:
            places = (contact_id in waiting) + len(holders.get(contact_id, [])) + (
                contact_id in self.gone)
            assert places == 1, contact_id
        assert len(waiting) == len(self.router.waiting())

    @invariant()
    def no_agent_is_over_capacity(self) -> None:
        for agent_id in self.agents:
            assert self.router.load(agent_id) <= 1.0 + 1e-9

    @invariant()
    def no_ready_agent_idles_while_an_eligible_contact_waits(self) -> None:
        if not self.routed:
            return
        for contact_id in self.router.waiting():
            for agent_id in self.agents:
                explanation = self.router.explain(contact_id, agent_id)
                assert not explanation.eligible, explanation


class SponsorPathMachine(RouterMachine):
    """Same rules with every pass filing dirty agents in buckets (the mass-event path)."""

    def __init__(self) -> None:
        super().__init__()
        self._saved = matching.LOOSE_MAX
        matching.LOOSE_MAX = 0

    def teardown(self) -> None:
        matching.LOOSE_MAX = self._saved


_SETTINGS = settings(max_examples=200, stateful_step_count=50, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
TestRouterMachine = RouterMachine.TestCase
TestRouterMachine.settings = _SETTINGS
TestSponsorPathMachine = SponsorPathMachine.TestCase
TestSponsorPathMachine.settings = _SETTINGS

"""Briefing gate: an eligibility filter applied on top of the router, not inside it.

When a published article version is marked *briefing required*, agents holding the skills of
the article's queues must acknowledge the briefing before they take those contacts. The
gate is applied to the router's *view* of an agent (:meth:`BriefingGate.restrict`: the
gated skills are left out, as if the agent lacked them), so the router itself is unchanged
and every offer it makes already respects the gate.

The one exception is a queue about to breach its service level: a contact of a gated skill
that has waited ``sl_seconds`` (:func:`breaching`) may go to an unbriefed agent, but only
after a routing pass made without them found nobody (the pass is work-conserving, so no
briefed agent was eligible and free). The desk then offers it with the briefing pinned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from renfort.domain.ids import QueueId
from renfort.domain.model import Agent, Queue
from renfort.routing.router import Router
from renfort.routing.types import Offer


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str
    skills: frozenset[str]
    """Skills of the queues the article's topic feeds."""
    title: str


@dataclass(frozen=True, slots=True)
class BriefingGate:
    pending: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Agent id → skills for which they have a briefing to acknowledge."""
    briefings: Mapping[str, tuple[Briefing, ...]] = field(default_factory=dict)
    """Agent id → their unacknowledged briefings (for pinning and explaining)."""

    @classmethod
    def build(cls, agents: Iterable[Agent], briefings: Iterable[Briefing],
              acknowledged: Iterable[tuple[str, str]]) -> BriefingGate:
        """Who still owes which briefing: ``acknowledged`` holds (briefing id, agent id)."""
        done = set(acknowledged)
        pending: dict[str, frozenset[str]] = {}
        owed: dict[str, tuple[Briefing, ...]] = {}
        all_briefings = tuple(briefings)
        for agent in agents:
            for briefing in all_briefings:
                skills = briefing.skills & set(agent.skills)
                if skills and (briefing.id, agent.id) not in done:
                    pending[agent.id] = pending.get(agent.id, frozenset()) | skills
                    owed[agent.id] = (*owed.get(agent.id, ()), briefing)
        return cls(pending, owed)

    @property
    def active(self) -> bool:
        return bool(self.pending)

    def restrict(self, agent: Agent) -> Agent:
        """The agent as the router should see them: without the skills they are not
        briefed for."""
        gated = self.pending.get(agent.id)
        if not gated:
            return agent
        return replace(agent, skills={s: p for s, p in agent.skills.items() if s not in gated})

    def holds_back(self, agent_id: str, queue: Queue) -> bool:
        return queue.skill in self.pending.get(agent_id, frozenset())

    def owed(self, agent_id: str, skill: str | None = None) -> tuple[Briefing, ...]:
        return tuple(b for b in self.briefings.get(agent_id, ())
                     if skill is None or skill in b.skills)


def breaching(queue: Queue, enqueued_at: float, now: float) -> bool:
    """Has a contact waited as long as its queue's service-level threshold?"""
    return enqueued_at + queue.sl_seconds <= now


def breach_pass(router: Router, gate: BriefingGate, agents: Iterable[Agent],
                queues: Iterable[Queue], now: float) -> list[Offer]:
    """The exception, run right after a normal ``router.route()``: queues of a gated skill
    whose oldest waiting contact reached the threshold are opened to the agents not briefed
    for it, for one pass; then those agents are narrowed again. Every offer returned goes
    to an unbriefed agent, for a contact no briefed agent could take (the pass before was
    work-conserving); the caller pins the briefing on it."""
    if not gate.active:
        return []
    gated = frozenset().union(*gate.pending.values())
    skills = set()
    for queue in queues:
        if queue.skill in gated and queue.skill not in skills:
            oldest = router.oldest_enqueued_at(QueueId(queue.id))
            if oldest is not None and breaching(queue, oldest, now):
                skills.add(queue.skill)
    if not skills:
        return []
    unbriefed = [a for a in agents if gate.pending.get(a.id, frozenset()) & skills]
    for agent in unbriefed:
        router.upsert_agent(agent)
    try:
        return router.route()
    finally:
        for agent in unbriefed:
            router.upsert_agent(gate.restrict(agent))

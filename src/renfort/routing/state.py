"""The router's state and its low-level moves, shared by the matcher and the façade.

Nothing here validates input: :class:`renfort.routing.router.Router` does, before calling in,
so a refused request never leaves a half-applied change. Seconds everywhere.

*Dirty* sets record what changed since the last ``route()``: lines that gained or lost a
head, agents that gained room or changed profile. ``route()`` starts from them instead of
scanning every agent and contact. Wake-up heaps hold future instants where something may
change without an event (a line head crossing a bullseye tier or the overflow threshold, an
offer deadline, a waiver starting or ending).
"""

from __future__ import annotations

from collections.abc import Iterable
from heapq import heappop, heappush

from renfort.domain.ids import AgentId, ContactId, QueueId
from renfort.domain.model import Channel, Queue, WorkPlace
from renfort.routing.agents import AgentState, Membership
from renfort.routing.lines import ContactRecord, Line
from renfort.routing.policy import (
    NEVER,
    ContractBook,
    WaiverBook,
    agent_threshold,
    speaks,
    telework_allows,
)
from renfort.routing.shares import ShareBook
from renfort.routing.types import Offer

LineKey = tuple[QueueId, Channel]


class RouterState:
    """Every table the router keeps; one writer at a time (see docs/routing-design.md)."""

    def __init__(self, offer_timeout: float) -> None:
        self.offer_timeout = offer_timeout
        self.queues: dict[QueueId, Queue] = {}
        self.priorities: dict[QueueId, int] = {}
        self.lines: dict[LineKey, Line] = {}
        self.queues_by_skill: dict[str, dict[QueueId, None]] = {}
        self.agents: dict[AgentId, AgentState] = {}
        self.agents_by_skill: dict[str, dict[AgentId, None]] = {}
        self.contacts: dict[ContactId, ContactRecord] = {}
        self.contracts = ContractBook()
        self.shares = ShareBook()
        self.waivers = WaiverBook()
        self.waiver_check_at = NEVER
        """Next waiver boundary at which home agents' memberships must be rebuilt."""
        self.next_seq = 0
        self._counter = 0
        self._line_ordinal = 0
        self._agent_seq = 0
        self.dirty_lines: dict[LineKey, Line] = {}
        self.dirty_agents: dict[AgentId, AgentState] = {}
        self.touched_lines: dict[LineKey, Line] = {}
        """Lines whose head moved during a route: their threshold wake-up is recomputed."""
        self.line_wakeups: list[tuple[float, int, LineKey]] = []
        self.agent_wakeups: list[tuple[float, int, AgentId]] = []
        self.deadlines: list[tuple[float, int, ContactId]] = []

    # ---- counters -------------------------------------------------------------------------

    def new_line(self, queue: Queue, channel: Channel, priority: int) -> Line:
        self._line_ordinal += 1
        line = Line(queue, channel, priority, self._line_ordinal)
        self.lines[line.key] = line
        return line

    def new_agent_seq(self) -> int:
        self._agent_seq += 1
        return self._agent_seq

    # ---- dirty marks ----------------------------------------------------------------------

    def mark_line(self, line: Line) -> None:
        self.dirty_lines[line.key] = line

    def mark_agent(self, agent: AgentState) -> None:
        if agent.ready:
            self.dirty_agents[agent.id] = agent

    # ---- memberships ----------------------------------------------------------------------

    def memberships_of(self, state: AgentState, now: float) -> list[Membership]:
        """Every line the agent may serve now, with the wait from which it is eligible."""
        agent = state.agent
        found: list[Membership] = []
        for skill, proficiency in agent.skills.items():
            for queue_id in self.queues_by_skill.get(skill, ()):
                queue = self.queues[queue_id]
                if not speaks(agent, queue) or not telework_allows(agent, queue, self.waivers,
                                                                   now):
                    continue
                contracted = self.contracts.covers(agent.outsourcer_id, queue_id)
                threshold = agent_threshold(queue, proficiency, contracted=contracted)
                if threshold == NEVER:
                    continue
                for channel in sorted(queue.channels):
                    if agent.capacity.get(channel, 0) > 0:
                        line = self.lines[(queue_id, channel)]
                        found.append(Membership(line, proficiency, not contracted, threshold))
        return found

    def rebuild(self, agents: Iterable[AgentState], now: float) -> None:
        for state in agents:
            state.replace_memberships(self.memberships_of(state, now))
            self.mark_agent(state)

    def agents_with_skills(self, skills: Iterable[str]) -> list[AgentState]:
        ids: dict[AgentId, None] = {}
        for skill in skills:
            ids.update(self.agents_by_skill.get(skill, {}))
        return [self.agents[agent_id] for agent_id in ids]

    def home_agents(self) -> list[AgentState]:
        return [s for s in self.agents.values() if s.agent.works_from is WorkPlace.HOME]

    # ---- contact moves --------------------------------------------------------------------

    def queue_contact(self, record: ContactRecord, *, arrival: bool) -> None:
        """Put a contact in its line; the line is dirty unless nothing can have changed.

        An arrival that lands behind its band's head changes nothing: no ready agent could
        take that head at the last pass, and the newcomer waited less, so no ready agent can
        take it either, unless the head was declined by someone.
        """
        self.contacts[record.id] = record
        line = record.line
        self._counter += 1
        line.push(record, self._counter)
        if arrival:
            head = line.head(record.priority)
            if head is not record and head is not None and head.declined is None:
                return
        self.mark_line(line)

    def offer(
        self, record: ContactRecord, agent: AgentState, overflow: bool, proficiency: int,
        now: float,
    ) -> Offer:
        line = record.line
        line.remove(record)
        line.offered += 1
        self.touched_lines[line.key] = line
        self.hold(record, agent, now, accepted=False, overflow=overflow, proficiency=proficiency)
        self.shares.offered(line.queue.id, agent.agent.outsourcer_id)
        return Offer(record.id, agent.id, line.queue.id, line.channel, now, overflow, proficiency)

    def hold(
        self, record: ContactRecord, agent: AgentState, offered_at: float, *, accepted: bool,
        overflow: bool, proficiency: int,
    ) -> None:
        record.agent_id = agent.id
        record.offered_at = offered_at
        record.accepted = accepted
        record.overflow = overflow
        record.proficiency = proficiency
        self._counter += 1
        record.offer_token = self._counter
        agent.hold(record)
        if not accepted:
            deadline = offered_at + self.offer_timeout
            heappush(self.deadlines, (deadline, record.offer_token, record.id))

    def accept(self, record: ContactRecord) -> None:
        record.accepted = True
        record.line.offered -= 1

    def unhold(self, record: ContactRecord, now: float) -> AgentState:
        """Free the agent holding ``record``; returns that agent."""
        assert record.agent_id is not None
        agent = self.agents[record.agent_id]
        if not record.accepted:
            record.line.offered -= 1
        record.agent_id = None
        record.offer_token = 0
        agent.unhold(record, now)
        self.mark_agent(agent)
        return agent

    def back_to_line(self, record: ContactRecord, now: float) -> AgentState:
        """Return an offered contact to its original place; returns the agent it left."""
        agent = self.unhold(record, now)
        self.queue_contact(record, arrival=False)
        return agent

    def forget(self, record: ContactRecord, now: float) -> None:
        """Drop a contact that leaves the router (withdrawn, closed, transferred)."""
        if record.waiting:
            record.line.remove(record)
            self.mark_line(record.line)
        elif record.agent_id is not None:
            self.unhold(record, now)
        del self.contacts[record.id]

    # ---- time -----------------------------------------------------------------------------

    def schedule_line(self, line: Line, now: float) -> None:
        if not line.count:
            return  # no head, no threshold to wait for
        at = line.next_threshold(now)
        if at != NEVER and (line.wake_at is None or at < line.wake_at):
            line.wake_at = at
            heappush(self.line_wakeups, (at, line.ordinal, line.key))

    def schedule_agent(self, agent: AgentState, at: float) -> None:
        heappush(self.agent_wakeups, (at, agent.seq, agent.id))

    def fire_wakeups(self, now: float) -> None:
        """Turn every wake-up due at ``now`` into dirty lines and agents."""
        wakeups = self.line_wakeups
        while wakeups and wakeups[0][0] <= now:
            at, _, key = heappop(wakeups)
            line = self.lines.get(key)
            if line is not None and line.wake_at == at:
                line.wake_at = None
                self.mark_line(line)
        pending = self.agent_wakeups
        while pending and pending[0][0] <= now:
            _, _, agent_id = heappop(pending)
            state = self.agents.get(agent_id)
            if state is not None:
                self.mark_agent(state)
        if self.waiver_check_at <= now:
            self.rebuild(self.home_agents(), now)
            self.waiver_check_at = self.waivers.next_boundary(now)

    def live_deadline(self) -> float:
        """Earliest deadline of an offer still pending; drops stale entries."""
        deadlines = self.deadlines
        while deadlines:
            _, token, contact_id = deadlines[0]
            record = self.contacts.get(contact_id)
            if record is not None and record.offer_token == token and not record.accepted:
                return deadlines[0][0]
            heappop(deadlines)
        return NEVER

    def live_line_wakeup(self) -> float:
        wakeups = self.line_wakeups
        while wakeups:
            at, _, key = wakeups[0]
            line = self.lines.get(key)
            if line is not None and line.wake_at == at:
                return at
            heappop(wakeups)
        return NEVER

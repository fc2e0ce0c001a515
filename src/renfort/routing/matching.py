"""One routing pass: every offer possible now, in a deterministic order.

The pass is the greedy rule "take waiting contacts in routing order; give each the best
eligible ready agent", restricted to the band heads that can have changed since the last
pass:

* every band head of a *dirty* line (a contact arrived or came back, the head left, a
  bullseye or overflow threshold was crossed): any ready agent may now take it;
* for *dirty* agents (gained room, became available, changed profile): with at most
  :data:`LOOSE_MAX` of them, each one's own best contact (agent-driven search), the agents
  being weighed by hand against the buckets; with more, every band head they may take, with
  those *sponsor* agents recorded so that a band is skipped once none of them has room.

Two common cases need no heap at all and give the same result: one dirty agent and no dirty
line (an agent finished a contact while a backlog waits), :func:`_one_agent`; one dirty line
and no dirty agent (a contact arrived while agents wait), :func:`_one_line`.

Why band heads are enough: after a pass, no ready agent may take any waiting contact (the pass
is work-conserving). Within a band the head has waited longest, so an agent that may take a
later contact may also take the head, unless it declined the head. Those decliners get an
agent-driven search (:func:`best_contact`) that looks past the contacts they declined.

Candidates live in one heap keyed by :func:`~renfort.routing.lines.routing_key` (all computed
at the same ``now``) and a push counter, so ties never depend on hashing. Agents are chosen by
:func:`best_agent`: highest proficiency first, then longest idle, then registration rank.
"""

from __future__ import annotations

from heapq import heappop, heappush

from renfort.domain.ids import AgentId, ContactId
from renfort.routing.agents import AgentState, Membership
from renfort.routing.lines import ContactRecord, Line, RoutingKey, routing_key
from renfort.routing.policy import NEVER, floor_at, overflow_open
from renfort.routing.shares import adjust as shares_adjust
from renfort.routing.state import LineKey, RouterState
from renfort.routing.types import AgentStatus, Offer, OfferExpired

Match = tuple[AgentState, bool, int]
"""(agent, overflow, proficiency) chosen for a contact."""

_Candidate = tuple[RoutingKey, int, Line | None, int, AgentState | None, ContactRecord]
"""(key, push rank, line and band priority for a band head | agent for an agent's pick, contact)."""


def best_agent(record: ContactRecord, now: float) -> Match | None:
    """Best ready agent for a waiting contact: highest proficiency, longest idle, oldest seq.

    Only proficiencies at or above the current bullseye floor are looked at, and overflow
    buckets only once the overflow threshold is crossed. Agents that declined the contact
    are skipped.
    """
    line = record.line
    queue = line.queue
    # Shortcuts with the same result: one tier never widens, no threshold never opens.
    tiers = queue.bullseye
    floor = (tiers[0].min_proficiency if len(tiers) == 1
             else floor_at(queue, record.enqueued_at, now))
    overflow = (queue.overflow_after_seconds is not None
                and overflow_open(queue, record.enqueued_at, now))
    excluded = record.declined
    contract_buckets, overflow_buckets = line.contract_buckets, line.overflow_buckets
    for proficiency in range(5, floor - 1, -1):
        bucket = contract_buckets[proficiency]
        mine = bucket.top(excluded) if bucket.members else None
        if overflow:
            bucket = overflow_buckets[proficiency]
            other = bucket.top(excluded) if bucket.members else None
            if other is not None and (mine is None or other < mine):
                return other[2], True, proficiency
        if mine is not None:
            return mine[2], False, proficiency
    return None


def best_contact(
    state: RouterState, agent: AgentState, now: float
) -> tuple[ContactRecord, Membership] | None:
    """First waiting contact in routing order that ``agent`` may take now, if any.

    Per line the candidate is the first band (by priority) with a takeable contact; across
    lines the smallest routing key wins. Memberships come sorted by priority class, so the
    scan stops at the first class that yields a candidate.
    """
    best: tuple[ContactRecord, Membership] | None = None
    best_key: RoutingKey | None = None
    wake = NEVER
    agent_id, ready = agent.id, agent.ready
    for membership in agent.memberships:
        line = membership.line
        if best_key is not None and line.priority_class > best_key[0]:
            break
        if not line.count or membership.channel not in ready:
            continue
        for priority in line.priorities:
            record, at = line.first_for(agent_id, priority, membership.threshold, now)
            if record is not None:
                key = routing_key(record, now)
                if best_key is None or key < best_key:
                    best, best_key = (record, membership), key
                break
            if at < wake:
                wake = at
    if wake != NEVER:
        state.schedule_agent(agent, wake)
    return best


LOOSE_MAX = 4
"""Up to this many dirty agents, a pass searches for each one's best contact and weighs them
directly against the buckets' best; beyond, it files them in buckets and lets them sponsor
band heads (cost grows with lines, not with agents squared)."""


class _Pass:
    """The bookkeeping of one ``route()`` call."""

    def __init__(self, state: RouterState, now: float) -> None:
        self.state = state
        self.now = now
        self.heap: list[_Candidate] = []
        self.pushed = 0
        self.bands: dict[tuple[LineKey, int], list[AgentState] | None] = {}
        """Bands in play: None when open to every ready agent, else their sponsor agents."""
        self.loose: list[AgentState] = []
        """Dirty agents not yet filed in buckets; :meth:`_match` weighs them by hand."""
        self.searched: dict[AgentId, None] = {}
        self.watchers: dict[ContactId, list[AgentState]] = {}
        self.offers: list[Offer] = []

    def run(self) -> list[Offer]:
        state = self.state
        lines, state.dirty_lines = state.dirty_lines, {}
        agents, state.dirty_agents = state.dirty_agents, {}
        if len(agents) <= LOOSE_MAX:
            self.loose = list(agents.values())
        else:
            for agent in agents.values():
                agent.sync_buckets()
        for line in lines.values():
            state.touched_lines[line.key] = line
            for priority in line.priorities:
                head = line.head(priority)
                if head is not None:
                    self.bands[(line.key, priority)] = None
                    self._push(head, line, priority, None)
        for agent in agents.values():
            if self.loose:
                self._search(agent)
            else:
                self._sponsor(agent)
        while self.heap:
            self._step()
        for agent in self.loose:
            agent.sync_buckets()
        _schedule_touched(state, self.now)
        return self.offers

    def _push(
        self, record: ContactRecord, line: Line | None, priority: int, agent: AgentState | None
    ) -> None:
        self.pushed += 1
        heappush(
            self.heap, (routing_key(record, self.now), self.pushed, line, priority, agent, record)
        )

    def _sponsor(self, agent: AgentState) -> None:
        """Put in play every band head the agent may take now."""
        now, bands = self.now, self.bands
        ready = agent.ready
        for membership in agent.memberships:
            line = membership.line
            if not line.count or membership.channel not in ready:
                continue
            for priority in line.priorities:
                head = line.head(priority)
                if head is None or head.enqueued_at + membership.threshold > now:
                    continue
                if head.declined is not None and agent.id in head.declined:
                    # Bands behind a declined head need the agent-driven search, which
                    # covers all of the agent's lines at once.
                    self._search(agent)
                    return
                key = (line.key, priority)
                if key not in bands:
                    bands[key] = [agent]
                    self._push(head, line, priority, None)
                else:
                    sponsors = bands[key]
                    if sponsors is not None:
                        sponsors.append(agent)

    def _search(self, agent: AgentState) -> None:
        self.searched[agent.id] = None
        found = best_contact(self.state, agent, self.now)
        if found is not None:
            record = found[0]
            self._push(record, None, 0, agent)
            self.watchers.setdefault(record.id, []).append(agent)

    def _step(self) -> None:
        _, _, line, priority, _, record = heappop(self.heap)
        if line is not None:
            head = line.head(priority)
            if head is None:
                return
            if head is not record:
                # The head left through an agent's pick: its successor takes its turn.
                self._push(head, line, priority, None)
                return
            sponsors = self.bands[(line.key, priority)]
            if sponsors is not None:
                channel = line.channel
                while sponsors and channel not in sponsors[-1].ready:
                    sponsors.pop()
                if not sponsors:
                    return
        elif not record.waiting:
            return
        match = self._match(record)
        if match is None:
            if line is not None and record.declined:
                self._search_decliners(record)
            return
        self._offer(record, match)
        if line is not None:
            head = line.head(priority)
            if head is not None:
                self._push(head, line, priority, None)

    def _match(self, record: ContactRecord) -> Match | None:
        """:func:`best_agent`, with the loose agents weighed by the same order."""
        match = best_agent(record, self.now)
        if not self.loose:
            return shares_adjust(self.state, record, match, self.now)
        line = record.line
        for agent in self.loose:
            if line.channel not in agent.ready:
                continue
            membership = agent.by_line.get(line.key)
            if membership is None or record.enqueued_at + membership.threshold > self.now:
                continue
            if record.declined is not None and agent.id in record.declined:
                continue
            if match is None or (-membership.proficiency, agent.idle_since, agent.seq) < (
                -match[2], match[0].idle_since, match[0].seq
            ):
                match = (agent, membership.overflow, membership.proficiency)
        return shares_adjust(self.state, record, match, self.now, self.loose)

    def _search_decliners(self, record: ContactRecord) -> None:
        # A band head nobody may take settles its band, except for agents that declined it:
        # they may still take a contact behind it.
        assert record.declined is not None
        for agent_id in record.declined:
            agent = self.state.agents.get(agent_id)
            if agent is not None and agent.ready and agent_id not in self.searched:
                self._search(agent)

    def _offer(self, record: ContactRecord, match: Match) -> None:
        agent, overflow, proficiency = match
        self.offers.append(self.state.offer(record, agent, overflow, proficiency, self.now))
        # Agents whose pick this was look again, the one served included if it has room.
        # A searched agent can only be served its own pick: any contact it may take that
        # comes earlier in routing order would have been its pick.
        for watcher in self.watchers.pop(record.id, []):
            if watcher.ready:
                self._search(watcher)


def route(state: RouterState, now: float) -> list[Offer]:
    """Make every offer possible at ``now``; see the module docstring for the order."""
    state.fire_wakeups(now)
    if not state.dirty_lines and len(state.dirty_agents) == 1:
        return _one_agent(state, now)
    if not state.dirty_agents and len(state.dirty_lines) == 1:
        return _one_line(state, now)
    if state.dirty_lines or state.dirty_agents:
        return _Pass(state, now).run()
    return []


def _one_agent(state: RouterState, now: float) -> list[Offer]:
    """The common case, one agent freed up and no line changed: same result, no heap.

    Every other ready agent may take no waiting contact (the last pass left none), so each
    contact this agent may take has this agent as its only candidate: the greedy pass
    reduces to "give the agent its best contact while it has room".
    """
    (agent,) = state.dirty_agents.values()
    state.dirty_agents.clear()
    offers: list[Offer] = []
    while agent.ready:
        found = best_contact(state, agent, now)
        if found is None:
            break
        record, membership = found
        match = shares_adjust(state, record, (agent, membership.overflow,
                                              membership.proficiency), now)
        assert match is not None
        offers.append(state.offer(record, *match, now))
    agent.sync_buckets()
    if state.touched_lines:
        _schedule_touched(state, now)
    return offers


def _one_line(state: RouterState, now: float) -> list[Offer]:
    """The other common case, one line changed and no agent (a contact arrived): no heap.

    With no dirty agent the pass only has this line's band heads in play. They come off the
    heap band by band (the contact priority is part of the routing key), each offered to
    :func:`best_agent` until none fits, exactly as below. A head that some agent declined
    needs the decliners' search: the rest of the work then goes to the full pass, which
    finds the bands already settled unchanged.
    """
    (line,) = state.dirty_lines.values()
    state.dirty_lines.clear()
    offers: list[Offer] = []
    for priority in line.priorities:
        head = line.head(priority)
        while head is not None:
            if head.declined is not None:
                state.mark_line(line)
                offers.extend(_Pass(state, now).run())
                return offers
            match = shares_adjust(state, head, best_agent(head, now), now)
            if match is None:
                break
            agent, overflow, proficiency = match
            offers.append(state.offer(head, agent, overflow, proficiency, now))
            head = line.head(priority)
    state.touched_lines.clear()  # only this line was touched (every pass leaves it empty)
    state.schedule_line(line, now)
    return offers


def _schedule_touched(state: RouterState, now: float) -> None:
    """Schedule the threshold wake-up of every line whose head moved in this pass."""
    touched = state.touched_lines
    for line in touched.values():
        state.schedule_line(line, now)
    touched.clear()


def expire(state: RouterState, now: float) -> list[OfferExpired]:
    """Return every offer whose deadline is ``<= now`` to its line, oldest deadline first.

    The agent becomes ``MISSED`` (from available or on break: either way it did not answer),
    and gets no offer until set available again.
    """
    expired: list[OfferExpired] = []
    while state.deadlines and state.deadlines[0][0] <= now:
        deadline, token, contact_id = heappop(state.deadlines)
        record = state.contacts.get(contact_id)
        if record is None or record.offer_token != token or record.accepted:
            continue
        assert record.agent_id is not None
        agent = state.agents[record.agent_id]
        agent.status = AgentStatus.MISSED
        agent.break_reason = ""
        state.back_to_line(record, now)
        expired.append(OfferExpired(contact_id, agent.id, deadline))
    return expired

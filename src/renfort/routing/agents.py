"""Agents as the router sees them: presence, load, held contacts, and the lines they serve.

An agent's *memberships* are precomputed from its profile and the configuration: one per line
it may ever serve (skill present, telework rule met now, contract or overflow possible),
carrying the waiting time from which it becomes eligible there. They are sorted by the line's
priority class, so a search for the agent's best contact can stop at the first class that
yields one.

While the agent is available with room for one more contact on a channel it is *ready* there,
and at routing time it is listed in the ready bucket of each membership on that channel. The
matcher only looks for agents in those buckets, so busy or absent agents cost nothing per
decision.
"""

from __future__ import annotations

from renfort.domain.ids import AgentId, ContactId, QueueId
from renfort.domain.model import Agent, Channel
from renfort.routing.lines import ContactRecord, Line, ReadyBucket
from renfort.routing.policy import LOAD_EPSILON, load_of
from renfort.routing.types import AgentStatus


class Membership:
    """An agent may serve ``line`` at ``proficiency`` once a contact waited ``threshold`` s."""

    __slots__ = ("bucket", "channel", "line", "overflow", "proficiency", "threshold")

    def __init__(self, line: Line, proficiency: int, overflow: bool, threshold: float) -> None:
        self.line = line
        self.channel = line.channel
        self.proficiency = proficiency
        self.overflow = overflow
        self.threshold = threshold
        buckets = line.overflow_buckets if overflow else line.contract_buckets
        self.bucket: ReadyBucket = buckets[proficiency]


class AgentState:
    """Presence, load and held contacts of one agent."""

    __slots__ = (
        "agent", "break_reason", "by_line", "channels", "counts", "held", "id", "idle_since",
        "load", "memberships", "ready", "seq", "status",
    )

    def __init__(self, agent: Agent, seq: int, now: float) -> None:
        self.agent = agent
        self.id: AgentId = agent.id
        self.seq = seq
        """Registration rank: the last tie-breaker between agents."""
        self.status = AgentStatus.LOGGED_OUT
        self.break_reason = ""
        self.idle_since = now
        """Instant the agent last became free (load 0) or available; longest idle goes first."""
        self.counts: dict[Channel, int] = {}
        self.held: dict[ContactId, ContactRecord] = {}
        self.load = 0.0
        """Sum over held contacts of 1 / capacity[their channel]; 1.0 is a full agent."""
        self.ready: tuple[Channel, ...] = ()
        """Channels on which one more contact fits right now (empty unless available)."""
        self.memberships: list[Membership] = []
        self.by_line: dict[tuple[QueueId, Channel], Membership] = {}
        self.channels = _channels(agent)

    def lines(self) -> list[Line]:
        return [m.line for m in self.memberships]

    def offers_pending(self) -> list[ContactId]:
        return [cid for cid, record in self.held.items() if not record.accepted]

    def replace_memberships(self, memberships: list[Membership]) -> None:
        """Swap the lines the agent serves; the caller marks it dirty to fill buckets."""
        for membership in self.memberships:
            membership.bucket.discard(self.id)
        memberships.sort(key=lambda m: (m.line.priority_class, m.line.ordinal))
        self.memberships = memberships
        self.by_line = {m.line.key: m for m in memberships}

    def refresh(self) -> None:
        """Recompute the channels with room; buckets catch up in :meth:`sync_buckets`."""
        if self.status is not AgentStatus.AVAILABLE:
            self.ready = ()
            return
        load = self.load
        if not load:
            self.ready = self.channels  # a free agent has room on every channel it serves
            return
        if load >= 1.0:
            self.ready = ()  # full: capacities are at most 20, so 1/slots > LOAD_EPSILON
            return
        # Same rule as policy.fits, inlined: this runs on every offer and release.
        limit = 1.0 + LOAD_EPSILON
        ready: list[Channel] = []
        for channel, slots in self.agent.capacity.items():
            if slots > 0 and load + 1.0 / slots <= limit:
                ready.append(channel)
        self.ready = tuple(ready)

    def sync_buckets(self) -> None:
        """List the agent in the bucket of every membership on a channel with room."""
        ready, agent_id, idle = self.ready, self.id, self.idle_since
        if not ready:
            return
        for membership in self.memberships:
            if membership.channel in ready:
                bucket = membership.bucket
                if bucket.members.get(agent_id) != idle:
                    bucket.add(self, idle)

    def hold(self, record: ContactRecord) -> None:
        held, counts, channel = self.held, self.counts, record.channel
        first = not held
        held[record.id] = record
        counts[channel] = counts.get(channel, 0) + 1
        if first:  # the common case, same figure as load_of
            slots = self.agent.capacity.get(channel, 0)
            self.load = 1.0 / slots if slots > 0 else 1.0
        else:
            self.load = load_of(counts, self.agent.capacity)
        self.refresh()

    def unhold(self, record: ContactRecord, now: float) -> None:
        """Free the capacity of ``record``; an agent left with nothing becomes idle now."""
        held = self.held
        del held[record.id]
        self.counts[record.channel] -= 1
        if held:
            self.load = load_of(self.counts, self.agent.capacity)
        else:
            self.load = 0.0
            self.idle_since = now
        self.refresh()

    def set_profile(self, agent: Agent) -> None:
        self.agent = agent
        self.channels = _channels(agent)
        self.load = load_of(self.counts, agent.capacity)
        self.refresh()


def _channels(agent: Agent) -> tuple[Channel, ...]:
    """Channels on which the agent has capacity, in its profile's order."""
    return tuple(channel for channel, slots in agent.capacity.items() if slots > 0)

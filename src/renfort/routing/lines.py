"""Routing lines: the contacts waiting on one (queue, channel), and the agents ready for it.

A queue serving chat and e-mail is two lines. Each line keeps

* its waiting contacts in one min-heap per contact priority ("band"), keyed
  ``(enqueued_at, seq)``: FIFO within a band, and a contact returned after a declined or
  timed-out offer goes back with its original key, hence to its original place;
* its ready agents (available, with room for one more contact on the line's channel) in one
  bucket per proficiency (1–5) and per kind (contract / overflow), each bucket a min-heap on
  ``(idle_since, agent seq)``: longest idle first, then oldest registration.

Both kinds of heap delete lazily: an entry is live only while it matches its owner's current
token (contacts) or idle instant (agents). Seconds everywhere.
"""

from __future__ import annotations

from collections.abc import Container
from heapq import heapify, heappop, heappush
from typing import TYPE_CHECKING

from renfort.domain.ids import AgentId, ContactId, QueueId
from renfort.domain.model import Channel, Queue
from renfort.routing.policy import NEVER, next_threshold

if TYPE_CHECKING:
    from renfort.routing.agents import AgentState

RoutingKey = tuple[int, int, float, int]
"""Global routing order of a waiting contact; smaller is served first. See :func:`routing_key`."""

AgentEntry = tuple[float, int, "AgentState"]
"""A ready agent in a bucket: (idle_since, agent seq, agent); seq is unique."""


class ContactRecord:
    """What the router knows about one contact, waiting or held."""

    __slots__ = (
        "accepted", "agent_id", "channel", "declined", "enqueued_at", "id", "line",
        "offer_token", "offered_at", "overflow", "priority", "proficiency", "seq", "token",
    )

    def __init__(
        self, contact_id: ContactId, line: Line, priority: int, enqueued_at: float, seq: int
    ) -> None:
        self.id = contact_id
        self.line = line
        self.channel = line.channel
        self.priority = priority
        self.enqueued_at = enqueued_at
        self.seq = seq
        self.token = 0
        """Non-zero while waiting: matches its live heap entry."""
        self.declined: dict[AgentId, None] | None = None
        """Agents that declined this contact, never offered it again (insertion-ordered)."""
        self.agent_id: AgentId | None = None
        self.offered_at = 0.0
        self.offer_token = 0
        self.accepted = False
        self.overflow = False
        self.proficiency = 0

    @property
    def waiting(self) -> bool:
        return self.token != 0


ContactEntry = tuple[float, int, int, ContactRecord]
"""A waiting contact in a band: (enqueued_at, seq, token, record); seq is unique."""


def routing_key(record: ContactRecord, now: float) -> RoutingKey:
    """``(client priority class, contact priority, -waited / sl_seconds, seq)``.

    1. the priority class of the queue's client (1 first);
    2. the contact's own priority (1 first; normally equal to the class, lower to let a
       transferred or recalled contact jump ahead within its queue);
    3. waiting time measured against the queue's service-level time, larger first, so that a
       30 s chat wait (SLA 60 s) outranks a 20 s voice wait (SLA 20 s) only if it is later in
       its own SLA: ratio 0.5 < 1.0, the call goes first;
    4. arrival sequence, unique and ever-increasing, so no two contacts ever tie.

    Within a line, class and SLA are constant and the order reduces to
    ``(priority, enqueued_at, seq)``: the band heaps' order. The ratio changes with time, so
    keys are only compared when computed at the same ``now``.
    """
    line = record.line
    return (
        line.priority_class,
        record.priority,
        (record.enqueued_at - now) / line.queue.sl_seconds,
        record.seq,
    )


class ReadyBucket:
    """Ready agents of one proficiency and kind on one line, longest idle first.

    Entries are hints, filled when a dirty agent is synced at routing time and checked when
    read: an entry counts only while it is the agent's listed entry, carries the agent's
    current idle instant, and the agent still has room on the bucket's channel. Losing room
    therefore costs nothing: the stale entry is dropped the next time it reaches the top.
    """

    __slots__ = ("channel", "heap", "members")

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.members: dict[AgentId, float] = {}
        """Agent → idle instant of its live entry."""
        self.heap: list[AgentEntry] = []

    def add(self, agent: AgentState, idle_since: float) -> None:
        self.members[agent.id] = idle_since
        heappush(self.heap, (idle_since, agent.seq, agent))
        if len(self.heap) > 2 * len(self.members) + 32:
            self._compact()

    def discard(self, agent_id: AgentId) -> None:
        self.members.pop(agent_id, None)

    def top(self, excluded: Container[AgentId] | None) -> AgentEntry | None:
        """Longest-idle agent with room, not in ``excluded``; drops dead entries on the way."""
        heap = self.heap
        while heap:
            entry = heap[0]
            if not self._alive(entry):
                heappop(heap)
            elif excluded is None or entry[2].id not in excluded:
                return entry
            else:
                return self._top_excluding(excluded)
        return None

    def _top_excluding(self, excluded: Container[AgentId]) -> AgentEntry | None:
        # Rare path (the contact was declined by the best agents): pop, look, push back.
        heap = self.heap
        aside: list[AgentEntry] = []
        found: AgentEntry | None = None
        while heap:
            entry = heappop(heap)
            if not self._alive(entry):
                continue
            aside.append(entry)
            if entry[2].id not in excluded:
                found = entry
                break
        for entry in aside:
            heappush(heap, entry)
        return found

    def _alive(self, entry: AgentEntry) -> bool:
        """Whether an entry still stands for a ready agent; unlists the agent if its own
        entry dies, so that the next sync lists it again."""
        agent = entry[2]
        listed = self.members.get(agent.id)
        if listed != entry[0]:
            return False  # superseded: the agent is listed by a newer entry, or not at all
        if agent.idle_since == listed and self.channel in agent.ready:
            return True
        del self.members[agent.id]
        return False

    def _compact(self) -> None:
        # One entry per live member: dead and duplicate entries go.
        live: dict[AgentId, AgentEntry] = {}
        for entry in self.heap:
            if self.members.get(entry[2].id) == entry[0]:
                live[entry[2].id] = entry
        self.heap = list(live.values())
        heapify(self.heap)


class Line:
    """The contacts of one (queue, channel), by band, and its ready-agent buckets."""

    __slots__ = (
        "bands", "channel", "contract_buckets", "count", "key", "offered", "ordinal",
        "overflow_buckets", "priorities", "priority_class", "queue", "wake_at",
    )

    def __init__(self, queue: Queue, channel: Channel, priority_class: int, ordinal: int) -> None:
        self.key: tuple[QueueId, Channel] = (queue.id, channel)
        self.queue = queue
        self.channel = channel
        self.priority_class = priority_class
        self.ordinal = ordinal
        """Creation rank, a deterministic tie-breaker between lines."""
        self.bands: dict[int, list[ContactEntry]] = {}
        self.priorities: list[int] = []
        """Priorities that have a band, ascending."""
        self.count = 0
        """Contacts waiting."""
        self.offered = 0
        """Contacts of this line offered and not yet accepted (they may come back)."""
        self.contract_buckets = [ReadyBucket(channel) for _ in range(6)]
        """Index = proficiency (1–5; 0 unused): agents whose outsourcer has a contract."""
        self.overflow_buckets = [ReadyBucket(channel) for _ in range(6)]
        """Same, for agents who may only take overflow."""
        self.wake_at: float | None = None
        """The threshold instant currently scheduled for this line, if any."""

    def push(self, record: ContactRecord, token: int) -> None:
        """Put a contact (back) at its place: its key never changes."""
        band = self.bands.get(record.priority)
        if band is None:
            band = self.bands[record.priority] = []
            self.priorities = sorted(self.bands)
        record.token = token
        heappush(band, (record.enqueued_at, record.seq, token, record))
        self.count += 1

    def remove(self, record: ContactRecord) -> None:
        """Take a waiting contact out; its heap entry dies with its token."""
        record.token = 0
        self.count -= 1
        band = self.bands[record.priority]
        if len(band) > 2 * self.count + 64:
            # Dead entries only leave from the top; behind a head nobody takes, abandoned
            # contacts would pile up.
            live = [e for e in band if e[3].token == e[2]]
            heapify(live)
            self.bands[record.priority] = live

    def head(self, priority: int) -> ContactRecord | None:
        band = self.bands[priority]
        while band:
            entry = band[0]
            if entry[3].token == entry[2]:
                return entry[3]
            heappop(band)
        return None

    def first_for(
        self, agent_id: AgentId, priority: int, threshold: float, now: float
    ) -> tuple[ContactRecord | None, float]:
        """First contact of a band that ``agent_id`` may take, and when to look again.

        A contact is takeable once ``enqueued_at + threshold <= now`` and if the agent has
        not declined it. Returns ``(record, NEVER)`` or ``(None, instant)``, where *instant*
        is set only when contacts declined by this agent hid the rest of the band, since the
        line's own head threshold does not cover that case; otherwise ``NEVER``.
        """
        head = self.head(priority)
        if head is None:
            return None, NEVER
        if head.declined is None or agent_id not in head.declined:
            if head.enqueued_at + threshold <= now:
                return head, NEVER
            return None, NEVER
        band = self.bands[priority]
        aside: list[ContactEntry] = []
        found: ContactRecord | None = None
        wake = NEVER
        while band:
            entry = heappop(band)
            record = entry[3]
            if record.token != entry[2]:
                continue
            aside.append(entry)
            if entry[0] + threshold > now:
                wake = entry[0] + threshold
                break
            if record.declined is None or agent_id not in record.declined:
                found = record
                break
        for entry in aside:
            heappush(band, entry)
        return found, wake

    def next_threshold(self, now: float) -> float:
        """Earliest instant after ``now`` where some band head widens its eligible agents."""
        soonest = NEVER
        for priority in self.priorities:
            head = self.head(priority)
            if head is not None:
                soonest = min(soonest, next_threshold(self.queue, head.enqueued_at, now))
        return soonest

    def oldest_enqueued_at(self) -> float:
        """Arrival instant of the longest-waiting contact; NEVER when none waits."""
        oldest = NEVER
        for priority in self.priorities:
            head = self.head(priority)
            if head is not None:
                oldest = min(oldest, head.enqueued_at)
        return oldest

    def waiting_records(self) -> list[ContactRecord]:
        """Live waiting contacts, unordered (read side only)."""
        return [e[3] for band in self.bands.values() for e in band if e[3].token == e[2]]

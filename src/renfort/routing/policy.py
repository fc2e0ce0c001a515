"""Eligibility rules, stated once over plain domain objects.

The router's fast path (buckets and thresholds) and :mod:`renfort.routing.explain` both call
these functions, so the explanation can never disagree with the decision.

Time rule: every waiting-time threshold is tested as ``enqueued_at + threshold <= now`` and
every wake-up is scheduled at ``enqueued_at + threshold``, with the same float arithmetic. A
threshold is therefore crossed exactly at the instant ``next_wakeup()`` announced, which keeps
a simulator from spinning on an instant where ``now - enqueued_at`` rounds just below it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from renfort.domain.clock import to_seconds
from renfort.domain.ids import ClientId, OutsourcerId, QueueId, WaiverId
from renfort.domain.model import Agent, Channel, Contract, Queue, TeleworkRule, Waiver, WorkPlace

NEVER = math.inf
"""Threshold of a wait that never makes an agent eligible."""

LOAD_EPSILON = 1e-9
"""Slack on the fractional load so that three chats of 1/3 fill exactly one agent."""


def floor_at(queue: Queue, enqueued_at: float, now: float) -> int:
    """Lowest proficiency (1–5) eligible at ``now`` for a contact queued at ``enqueued_at``."""
    floor = queue.bullseye[0].min_proficiency
    for tier in queue.bullseye:
        if enqueued_at + tier.after_seconds <= now:
            floor = tier.min_proficiency
    return floor


def proficiency_threshold(queue: Queue, proficiency: int) -> float:
    """Seconds of waiting after which an agent of ``proficiency`` clears the bullseye floor."""
    for tier in queue.bullseye:
        if tier.min_proficiency <= proficiency:
            return tier.after_seconds
    return NEVER


def agent_threshold(queue: Queue, proficiency: int, *, contracted: bool) -> float:
    """Seconds of waiting after which a contact of ``queue`` may go to such an agent.

    An agent without a contract for the queue also waits for the overflow threshold.
    """
    threshold = proficiency_threshold(queue, proficiency)
    if contracted:
        return threshold
    if queue.overflow_after_seconds is None:
        return NEVER
    return max(threshold, queue.overflow_after_seconds)


def overflow_open(queue: Queue, enqueued_at: float, now: float) -> bool:
    """True once a contact has waited long enough to go to any outsourcer."""
    after = queue.overflow_after_seconds
    return after is not None and enqueued_at + after <= now


def next_threshold(queue: Queue, enqueued_at: float, now: float) -> float:
    """Earliest instant after ``now`` where a contact queued at ``enqueued_at`` widens its
    eligible agents (next bullseye tier or overflow); :data:`NEVER` when nothing is left."""
    soonest = NEVER
    for tier in queue.bullseye:
        at = enqueued_at + tier.after_seconds
        if at > now:
            soonest = at
            break
    after = queue.overflow_after_seconds
    if after is not None and enqueued_at + after > now:
        soonest = min(soonest, enqueued_at + after)
    return soonest


def load_of(counts: Mapping[Channel, int], capacity: Mapping[Channel, int]) -> float:
    """Fraction of the agent taken by held contacts: sum of 1/capacity per contact.

    A contact held on a channel the agent has no capacity for (profile changed while it
    was held) counts as a whole agent.
    """
    load = 0.0
    for channel, held in counts.items():
        if held:
            slots = capacity.get(channel, 0)
            load += held / slots if slots > 0 else float(held)
    return load


def fits(load: float, capacity: Mapping[Channel, int], channel: Channel) -> bool:
    """Whether one more contact on ``channel`` fits: load + 1/capacity[channel] <= 1."""
    slots = capacity.get(channel, 0)
    return slots > 0 and load + 1.0 / slots <= 1.0 + LOAD_EPSILON


@dataclass(frozen=True, slots=True)
class WaiverSpan:
    """A waiver with its instants in seconds; ``end`` is the sooner of expiry and revocation."""

    id: WaiverId
    client_id: ClientId
    queue_ids: frozenset[QueueId]
    start: float
    end: float
    revoked: bool

    def active_at(self, now: float) -> bool:
        return self.start <= now < self.end


class WaiverBook:
    """The waivers known to the router, in seconds, looked up by client."""

    def __init__(self, waivers: Iterable[Waiver] = ()) -> None:
        by_client: dict[ClientId, list[WaiverSpan]] = {}
        for waiver in waivers:
            end = to_seconds(waiver.valid_to)
            revoked = False
            if waiver.revoked_at is not None and to_seconds(waiver.revoked_at) < end:
                end = to_seconds(waiver.revoked_at)
                revoked = True
            span = WaiverSpan(
                waiver.id, waiver.client_id, waiver.queue_ids,
                to_seconds(waiver.valid_from), end, revoked,
            )
            by_client.setdefault(waiver.client_id, []).append(span)
        self._by_client = by_client
        self._boundaries = sorted(
            {b for spans in by_client.values() for s in spans for b in (s.start, s.end)}
        )

    def covering(self, queue: Queue) -> list[WaiverSpan]:
        """Waivers of the queue's client that name the queue, in the order given."""
        return [s for s in self._by_client.get(queue.client_id, ()) if queue.id in s.queue_ids]

    def active_for(self, queue: Queue, now: float) -> WaiverSpan | None:
        for span in self.covering(queue):
            if span.active_at(now):
                return span
        return None

    def next_boundary(self, now: float) -> float:
        """First instant after ``now`` where some waiver starts or ends; NEVER if none."""
        for boundary in self._boundaries:
            if boundary > now:
                return boundary
        return NEVER


class ContractBook:
    """Which outsourcers hold a contract for which queue."""

    def __init__(self, contracts: Iterable[Contract] = ()) -> None:
        covered: dict[QueueId, dict[OutsourcerId, None]] = {}
        for contract in contracts:
            for queue_id in contract.queue_ids:
                covered.setdefault(queue_id, {})[contract.outsourcer_id] = None
        self._covered = covered

    def covers(self, outsourcer_id: OutsourcerId, queue_id: QueueId) -> bool:
        return outsourcer_id in self._covered.get(queue_id, {})


def speaks(agent: Agent, queue: Queue) -> bool:
    """A queue with a callers' language takes only agents who speak it."""
    return queue.language is None or queue.language in agent.languages


def telework_allows(agent: Agent, queue: Queue, waivers: WaiverBook, now: float) -> bool:
    """Site agents always may; home agents per the queue's rule (and active waiver)."""
    if agent.works_from is WorkPlace.SITE:
        return True
    if queue.telework is TeleworkRule.ALLOWED:
        return True
    if queue.telework is TeleworkRule.ON_SITE_ONLY:
        return False
    return waivers.active_for(queue, now) is not None

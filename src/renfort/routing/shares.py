"""Contract volume shares: keep each outsourcer of a shared queue near its contracted part.

A queue served under contract by several outsourcers with stated shares (say 70/30) keeps
the outsourcers of its last :data:`WINDOW` offers. When the matcher has chosen an agent for
a contact (:func:`adjust`), and that agent's outsourcer is already further ahead of its
share than another contracted outsourcer that has a ready, eligible agent, the contact
goes to that other outsourcer's best agent instead (same order: proficiency, then longest
idle, then registration). Two exceptions keep service first:

* a contact that has waited its queue's service-level time goes to the best agent as
  chosen, shares or not;
* solidarity overflow (an outsourcer without contract) is never corrected: it only happens
  once the contact waited past the overflow delay.

An offer to an outsourcer already at or above its share is *contract overflow* in the
routing audit: the contracted backup took more than its part.

Shares are stated when a queue has at least two contracted outsourcers and not every
share is the default 1.0; they are scaled to add up to 1. Everything else routes exactly
as without this module.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from renfort.domain.ids import AgentId, ContactId, OutsourcerId, QueueId
from renfort.domain.model import Contract

if TYPE_CHECKING:
    from renfort.routing.agents import AgentState
    from renfort.routing.lines import ContactRecord
    from renfort.routing.state import RouterState

Match = tuple["AgentState", bool, int]
WINDOW = 200
"""Offers per queue over which the achieved shares are measured (a sliding window)."""


class ShareBook:
    """Contracted shares per shared queue and the outsourcers of its latest offers."""

    def __init__(self, window: int = WINDOW) -> None:
        self.window = window
        self._shares: dict[QueueId, dict[OutsourcerId, float]] = {}
        self._recent: dict[QueueId, deque[OutsourcerId]] = {}
        self._counts: dict[QueueId, dict[OutsourcerId, int]] = {}
        self.notes: dict[ContactId, dict[str, Any]] = {}
        """What the share rule decided for each offer of the current routing pass."""

    def set_contracts(self, contracts: Iterable[Contract]) -> None:
        """Replace the shares; the offers already counted stay in their windows."""
        stated: dict[QueueId, dict[OutsourcerId, float]] = {}
        for contract in contracts:
            for queue_id in contract.queue_ids:
                stated.setdefault(queue_id, {})[contract.outsourcer_id] = contract.volume_share
        shares: dict[QueueId, dict[OutsourcerId, float]] = {}
        for queue_id, parts in stated.items():
            total = sum(parts.values())
            if len(parts) < 2 or total <= 0 or all(v == 1.0 for v in parts.values()):
                continue
            shares[queue_id] = {o: v / total for o, v in sorted(parts.items())}
        self._shares = shares
        for gone in set(self._recent) - set(shares):
            del self._recent[gone], self._counts[gone]

    def of(self, queue_id: QueueId) -> dict[OutsourcerId, float] | None:
        """The queue's contracted shares (adding up to 1), or None if it has none."""
        return self._shares.get(queue_id)

    def achieved(self, queue_id: QueueId) -> dict[OutsourcerId, float]:
        """Each contracted outsourcer's part of the queue's offers in the window."""
        counts = self._counts.get(queue_id, {})
        total = sum(counts.values())
        return {o: (n / total if total else 0.0) for o, n in counts.items()}

    def counted(self, queue_id: QueueId) -> int:
        """Offers of the queue in its window."""
        return len(self._recent.get(queue_id, ()))

    def offered(self, queue_id: QueueId, outsourcer_id: OutsourcerId) -> None:
        """Count an offer (only contracted outsourcers of a shared queue count)."""
        shares = self._shares.get(queue_id)
        if shares is None or outsourcer_id not in shares:
            return
        recent = self._recent.get(queue_id)
        if recent is None:
            recent = self._recent[queue_id] = deque()
            self._counts[queue_id] = {}
        counts = self._counts[queue_id]
        recent.append(outsourcer_id)
        counts[outsourcer_id] = counts.get(outsourcer_id, 0) + 1
        if len(recent) > self.window:
            old = recent.popleft()
            counts[old] -= 1


def adjust(state: RouterState, record: ContactRecord, match: Match | None, now: float,
           loose: Sequence[AgentState] = ()) -> Match | None:
    """The match for ``record`` once volume shares are taken into account (see module).

    *loose*: ready agents of this routing pass not yet listed in the lines' buckets.
    """
    if match is None or match[1]:
        return match
    queue = record.line.queue
    book = state.shares
    shares = book.of(queue.id)
    if shares is None:
        return match
    achieved = book.achieved(queue.id)

    def gap(outsourcer: OutsourcerId) -> float:
        return shares.get(outsourcer, 0.0) - achieved.get(outsourcer, 0.0)

    chosen = match[0].agent.outsourcer_id
    note: dict[str, Any] = {
        "contracted": round(shares.get(chosen, 0.0), 4),
        "achieved_before": round(achieved.get(chosen, 0.0), 4),
        "beyond_share": gap(chosen) <= 0 and book.counted(queue.id) > 0,
        "corrected": False,
    }
    if record.enqueued_at + queue.sl_seconds <= now:
        note["rule"] = ("service first: the contact waited its service-level time, the best "
                        "agent takes it whatever the shares")
        book.notes[record.id] = note
        return match
    for outsourcer in sorted(shares, key=lambda o: (-gap(o), o)):
        if gap(outsourcer) <= gap(chosen) or outsourcer == chosen:
            break
        other = _best_of(state, record, outsourcer, now, loose)
        if other is not None:
            book.notes[record.id] = {
                "contracted": round(shares[outsourcer], 4),
                "achieved_before": round(achieved.get(outsourcer, 0.0), 4),
                "beyond_share": False, "corrected": True, "passed_over": chosen,
                "rule": (f"share correction: outsourcer {outsourcer} below its contracted "
                         f"share ({achieved.get(outsourcer, 0.0):.0%} of "
                         f"{shares[outsourcer]:.0%}), {chosen} above")}
            return other
    note["rule"] = (f"volume share: outsourcer {chosen} at {achieved.get(chosen, 0.0):.0%} of "
                    f"its {shares.get(chosen, 0.0):.0%}"
                    + ("; no agent of an outsourcer further below its share was free"
                       if note["beyond_share"] else ""))
    book.notes[record.id] = note
    return match


def _best_of(state: RouterState, record: ContactRecord, outsourcer: OutsourcerId, now: float,
             loose: Sequence[AgentState]) -> Match | None:
    """Best ready agent of ``outsourcer`` under contract that may take ``record`` now."""
    from renfort.routing.policy import floor_at

    line = record.line
    floor = floor_at(line.queue, record.enqueued_at, now)
    declined = record.declined or {}
    best: tuple[tuple[int, float, int], Match] | None = None
    for proficiency in range(5, floor - 1, -1):
        bucket = line.contract_buckets[proficiency]
        for agent_id, idle in bucket.members.items():
            agent = state.agents.get(agent_id)
            if agent is None or agent.agent.outsourcer_id != outsourcer \
                    or agent_id in declined or idle != agent.idle_since \
                    or line.channel not in agent.ready:
                continue
            key = (-proficiency, agent.idle_since, agent.seq)
            if best is None or key < best[0]:
                best = (key, (agent, False, proficiency))
        if best is not None:
            break
    for agent in loose:
        membership = agent.by_line.get(line.key)
        if membership is None or membership.overflow \
                or agent.agent.outsourcer_id != outsourcer or AgentId(agent.id) in declined \
                or line.channel not in agent.ready \
                or record.enqueued_at + membership.threshold > now:
            continue
        key = (-membership.proficiency, agent.idle_since, agent.seq)
        if best is None or key < best[0]:
            best = (key, (agent, False, membership.proficiency))
    return None if best is None else best[1]

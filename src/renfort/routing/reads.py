"""Read side of the router: what waits, who is where, what an agent holds.

Queries never change a decision. They may drop dead heap entries on the way, which is
invisible. Costs are stated per method; none is on the routing hot path.
"""

from __future__ import annotations

from renfort.domain.clock import Clock
from renfort.domain.errors import NotFoundError, ValidationError
from renfort.domain.ids import AgentId, ContactId, OutsourcerId, QueueId
from renfort.domain.model import Channel, Queue
from renfort.routing.agents import AgentState
from renfort.routing.lines import ContactRecord, Line, routing_key
from renfort.routing.policy import NEVER
from renfort.routing.state import RouterState
from renfort.routing.types import AgentStatus, ContactPlace, HeldContact, HoldState


class RouterReads:
    """Queries over a :class:`RouterState`; the base of :class:`~renfort.routing.router.Router`."""

    _clock: Clock
    _state: RouterState

    def waiting(self, queue_id: QueueId | None = None) -> list[ContactId]:
        """Waiting contacts (of one queue, or all) in routing order now. O(n log n)."""
        lines = self._lines_of(queue_id)
        now = self._clock.now()
        records = [r for line in lines for r in line.waiting_records()]
        records.sort(key=lambda r: routing_key(r, now))
        return [r.id for r in records]

    def waiting_count(self, queue_id: QueueId) -> int:
        """Contacts waiting in a queue, all channels. O(channels)."""
        return sum(line.count for line in self._lines_of(queue_id))

    def oldest_wait(self, queue_id: QueueId) -> float:
        """Seconds the longest-waiting contact of the queue has waited; 0.0 if none waits."""
        oldest = self.oldest_enqueued_at(queue_id)
        return 0.0 if oldest is None else max(0.0, self._clock.now() - oldest)

    def oldest_enqueued_at(self, queue_id: QueueId) -> float | None:
        """When the longest-waiting contact of the queue was queued; None if none waits."""
        oldest = min((line.oldest_enqueued_at() for line in self._lines_of(queue_id)),
                     default=NEVER)
        return None if oldest == NEVER else oldest

    def is_waiting(self, contact_id: ContactId) -> bool:
        record = self._state.contacts.get(contact_id)
        return record is not None and record.waiting

    def place(self, contact_id: ContactId) -> ContactPlace:
        """Where a contact is: waiting, offered or accepted (by whom)."""
        record = self._contact(contact_id)
        state: HoldState | None = None
        if not record.waiting:
            state = HoldState.ACCEPTED if record.accepted else HoldState.OFFERED
        return ContactPlace(
            record.id, record.line.queue.id, record.channel, record.priority,
            record.enqueued_at, record.seq, state, record.agent_id,
        )

    def agent_status(self, agent_id: AgentId) -> AgentStatus:
        return self._agent(agent_id).status

    def break_reason(self, agent_id: AgentId) -> str:
        """Reason given for the current break; empty unless on break."""
        return self._agent(agent_id).break_reason

    def load(self, agent_id: AgentId) -> float:
        """Fraction of the agent taken (sum of 1/capacity over held contacts); 1.0 is full."""
        return self._agent(agent_id).load

    def idle_since(self, agent_id: AgentId) -> float:
        """Instant the agent last became free or available."""
        return self._agent(agent_id).idle_since

    def held(self, agent_id: AgentId) -> list[HeldContact]:
        """Contacts the agent holds (offered or accepted), oldest first."""
        return [
            HeldContact(
                r.id, r.line.queue.id, r.channel,
                HoldState.ACCEPTED if r.accepted else HoldState.OFFERED, r.offered_at,
                r.overflow,
            )
            for r in self._agent(agent_id).held.values()
        ]

    def agents_by_status(
        self, *, outsourcer_id: OutsourcerId | None = None, queue_id: QueueId | None = None
    ) -> dict[AgentStatus, int]:
        """Agents per status, every status listed. O(agents).

        *queue_id* keeps the agents who may serve that queue now by skill, telework rule
        and contract or overflow (whatever their status or load).
        """
        counts = dict.fromkeys(AgentStatus, 0)
        lines = None if queue_id is None else {id(line) for line in self._lines_of(queue_id)}
        for state in self._state.agents.values():
            if outsourcer_id is not None and state.agent.outsourcer_id != outsourcer_id:
                continue
            if lines is not None and not any(id(line) in lines for line in state.lines()):
                continue
            counts[state.status] += 1
        return counts

    # ---- lookups (shared with the router) -------------------------------------------------

    def _queue(self, queue_id: QueueId) -> Queue:
        queue = self._state.queues.get(queue_id)
        if queue is None:
            raise NotFoundError("unknown queue", {"queue_id": queue_id}, reason="queue-unknown")
        return queue

    def _lines_of(self, queue_id: QueueId | None) -> list[Line]:
        lines = self._state.lines
        if queue_id is None:
            return list(lines.values())
        return [lines[(queue_id, ch)] for ch in sorted(self._queue(queue_id).channels)]

    def _line(self, queue_id: QueueId, channel: Channel) -> Line:
        queue = self._queue(queue_id)
        if channel not in queue.channels:
            raise ValidationError(
                f"queue '{queue.slug}' does not serve {channel}",
                {"field": "channel", "queue_id": queue_id},
                reason="queue-channel", values={"queue": queue.slug},
            )
        return self._state.lines[(queue_id, channel)]

    def _agent(self, agent_id: AgentId) -> AgentState:
        state = self._state.agents.get(agent_id)
        if state is None:
            raise NotFoundError("unknown agent", {"agent_id": agent_id}, reason="agent-unknown")
        return state

    def _contact(self, contact_id: ContactId) -> ContactRecord:
        record = self._state.contacts.get(contact_id)
        if record is None:
            raise NotFoundError(
                "the router does not know this contact (never queued, or gone)",
                {"contact_id": contact_id},
                reason="contact-not-routed",
            )
        return record

"""The ACD router: configuration, presence and contact events in, offers out.

Pure and single-writer: no I/O, no wall clock (an injected
:class:`~renfort.domain.clock.Clock` gives seconds), no locks. The live service feeds it from
one task; the simulator drives it on virtual time. Every method validates its input before it
changes anything, so a refused call (a :mod:`renfort.domain.errors` exception) leaves the
state exactly as it was. Same calls in the same order at the same instants give the same
offers, in any process.

Typical loop: apply an event (``enqueue``, ``release``, ``set_available``...), then
``expire_offers()`` and ``route()``, then sleep until ``next_wakeup()`` or the next event.
See docs/routing-design.md for the rules and their defense.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from renfort.domain.clock import Clock
from renfort.domain.errors import AgentStateError, ConflictError, ValidationError
from renfort.domain.ids import AgentId, ContactId, QueueId
from renfort.domain.model import PRIORITY_CLASSES, Agent, Channel, Contract, Queue, Waiver
from renfort.routing import audit as auditing
from renfort.routing import explain as explaining
from renfort.routing import matching
from renfort.routing.agents import AgentState
from renfort.routing.lines import ContactRecord
from renfort.routing.policy import NEVER, ContractBook, WaiverBook
from renfort.routing.reads import RouterReads
from renfort.routing.state import RouterState
from renfort.routing.types import AgentStatus, Explanation, Offer, OfferExpired


class Router(RouterReads):
    """Skills-based router over (queue, channel) lines; read-side queries in RouterReads."""

    def __init__(self, clock: Clock, *, offer_timeout: float = 20.0) -> None:
        """*offer_timeout*: seconds an agent has to accept an offer before it expires."""
        if not offer_timeout > 0:
            raise ValidationError("the offer timeout must be positive", {"field": "offer_timeout"},
                                  reason="offer-timeout")
        self._clock = clock
        self._state = RouterState(offer_timeout)

    # ---- configuration --------------------------------------------------------------------

    def upsert_queue(self, queue: Queue, priority: int) -> None:
        """Add or change a queue; *priority* is its client's priority class (1 first).

        Dropping a channel is refused while contacts wait in it or are offered from it.
        """
        _priority(priority)
        st, now = self._state, self._clock.now()
        old = st.queues.get(queue.id)
        dropped = [] if old is None else sorted(old.channels - queue.channels)
        for channel in dropped:
            _refuse_busy_line(st, queue.id, channel)
        for channel in dropped:
            _drop_line(st, queue.id, channel)
        if old is not None:
            del st.queues_by_skill[old.skill][queue.id]
        st.queues[queue.id] = queue
        st.priorities[queue.id] = priority
        st.queues_by_skill.setdefault(queue.skill, {})[queue.id] = None
        for channel in sorted(queue.channels):
            line = st.lines.get((queue.id, channel))
            if line is None:
                line = st.new_line(queue, channel, priority)
            line.queue, line.priority_class = queue, priority
            st.mark_line(line)
        skills = [queue.skill] if old is None else [old.skill, queue.skill]
        st.rebuild(st.agents_with_skills(skills), now)

    def remove_queue(self, queue_id: QueueId) -> None:
        """Forget a queue; refused while contacts wait in it or are offered from it."""
        st = self._state
        queue = self._queue(queue_id)
        channels = sorted(queue.channels)
        for channel in channels:
            _refuse_busy_line(st, queue_id, channel)
        for channel in channels:
            _drop_line(st, queue_id, channel)
        del st.queues_by_skill[queue.skill][queue_id]
        del st.queues[queue_id], st.priorities[queue_id]
        st.rebuild(st.agents_with_skills([queue.skill]), self._clock.now())

    def set_contracts(self, contracts: Iterable[Contract]) -> None:
        """Replace every contract (which outsourcer serves which queue)."""
        st = self._state
        contracts = tuple(contracts)
        st.contracts = ContractBook(contracts)
        st.shares.set_contracts(contracts)
        st.rebuild(list(st.agents.values()), self._clock.now())

    def set_waivers(self, waivers: Iterable[Waiver]) -> None:
        """Replace every waiver; their start, end and revocation become wake-up instants."""
        st, now = self._state, self._clock.now()
        st.waivers = WaiverBook(waivers)
        st.rebuild(st.home_agents(), now)
        st.waiver_check_at = st.waivers.next_boundary(now)

    def upsert_agent(self, agent: Agent) -> None:
        """Add an agent (logged out) or change its profile, keeping presence and contacts."""
        st, now = self._state, self._clock.now()
        state = st.agents.get(agent.id)
        if state is None:
            state = st.agents[agent.id] = AgentState(agent, st.new_agent_seq(), now)
        else:
            for skill in state.agent.skills:
                st.agents_by_skill[skill].pop(agent.id, None)
            state.set_profile(agent)
        for skill in agent.skills:
            st.agents_by_skill.setdefault(skill, {})[agent.id] = None
        st.rebuild([state], now)

    def remove_agent(self, agent_id: AgentId) -> None:
        """Forget an agent; refused while it holds contacts."""
        st = self._state
        state = self._agent(agent_id)
        if state.held:
            raise ConflictError(
                "an agent holding contacts cannot be removed",
                {"agent_id": agent_id, "contacts": list(state.held)},
                reason="agent-holds-contacts",
            )
        state.replace_memberships([])
        for skill in state.agent.skills:
            st.agents_by_skill[skill].pop(agent_id, None)
        st.dirty_agents.pop(agent_id, None)
        del st.agents[agent_id]

    # ---- presence -------------------------------------------------------------------------

    def log_in(self, agent_id: AgentId) -> None:
        """A logged-out agent logs in and is available at once (idle from now)."""
        state = self._agent(agent_id)
        if state.status is not AgentStatus.LOGGED_OUT:
            raise AgentStateError("the agent is already logged in", {"agent_id": agent_id},
                                  reason="already-logged-in")
        self._make_available(state)

    def log_out(self, agent_id: AgentId) -> None:
        """Log out. Accepted contacts stay held until released; no new offers are made.

        Refused while an offer waits for the agent's answer: accept or decline it first, so
        that no contact changes hands without an event the caller records.
        """
        state = self._agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise AgentStateError("the agent is already logged out", {"agent_id": agent_id},
                                  reason="already-logged-out")
        pending = state.offers_pending()
        if pending:
            raise AgentStateError(
                "answer the pending offer before logging out",
                {"agent_id": agent_id, "contacts": pending},
                reason="offer-pending",
            )
        state.status = AgentStatus.LOGGED_OUT
        state.break_reason = ""
        state.refresh()
        self._state.dirty_agents.pop(agent_id, None)

    def set_available(self, agent_id: AgentId) -> None:
        """From break or missed: available again, idle from now. No-op if already available."""
        state = self._agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise AgentStateError("log in before becoming available", {"agent_id": agent_id},
                                  reason="login-first")
        if state.status is not AgentStatus.AVAILABLE:
            self._make_available(state)

    def set_break(self, agent_id: AgentId, reason: str) -> None:
        """Stop receiving offers; held contacts and a pending offer stay with the agent.

        *reason* is free text shown by ``explain`` (may be empty when restored unknown).
        """
        state = self._agent(agent_id)
        if state.status is AgentStatus.LOGGED_OUT:
            raise AgentStateError("a logged-out agent cannot take a break", {"agent_id": agent_id},
                                  reason="break-logged-out")
        state.status = AgentStatus.BREAK
        state.break_reason = reason.strip()
        state.refresh()
        self._state.dirty_agents.pop(agent_id, None)

    def restore_presence(
        self, agent_id: AgentId, status: AgentStatus, *, reason: str = "",
        idle_since: float | None = None,
    ) -> None:
        """Set the presence an agent had before a restart, ``MISSED`` included.

        *idle_since* (seconds, default now) restores its place among idle agents. Refused
        to log out an agent with a pending offer, as :meth:`log_out` is.
        """
        state = self._agent(agent_id)
        if status is AgentStatus.LOGGED_OUT and state.offers_pending():
            raise AgentStateError("answer the pending offer before logging out",
                                  {"agent_id": agent_id, "contacts": state.offers_pending()},
                                  reason="offer-pending")
        state.status = status
        state.break_reason = reason.strip() if status is AgentStatus.BREAK else ""
        state.idle_since = self._clock.now() if idle_since is None else idle_since
        state.refresh()
        self._state.dirty_agents.pop(agent_id, None)
        self._state.mark_agent(state)

    def _make_available(self, state: AgentState) -> None:
        state.status = AgentStatus.AVAILABLE
        state.break_reason = ""
        state.idle_since = self._clock.now()
        state.refresh()
        self._state.mark_agent(state)

    # ---- contacts -------------------------------------------------------------------------

    def enqueue(
        self, contact_id: ContactId, queue_id: QueueId, channel: Channel, priority: int, *,
        enqueued_at: float | None = None, seq: int | None = None,
    ) -> int:
        """Queue a contact on line (queue, channel); returns its arrival sequence number.

        *priority*: 1–9, 1 first, normally the client's class. *enqueued_at* (seconds,
        default now) and *seq* (default: next number) restore a contact's place after a
        restart; a restored *seq* must be unique among waiting contacts.
        """
        # Runs once per contact, in the live service and on every simulated call: the
        # checks are inlined, the error paths go through the usual helpers.
        st = self._state
        if contact_id in st.contacts:
            raise ConflictError("the contact is already routed", {"contact_id": contact_id},
                                reason="contact-already-routed")
        line = st.lines.get((queue_id, channel))  # a line exists iff the queue serves it
        if line is None:
            line = self._line(queue_id, channel)
        if priority not in PRIORITY_CLASSES:
            _priority(priority)
        if enqueued_at is None:
            at = self._clock.now()
        elif math.isfinite(enqueued_at):
            at = enqueued_at
        else:
            raise ValidationError("enqueued_at must be a finite instant", {"field": "enqueued_at"})
        if seq is None:
            used = st.next_seq
            st.next_seq = used + 1
        elif seq < 0:
            raise ValidationError("seq cannot be negative", {"field": "seq"})
        else:
            used = seq
            st.next_seq = max(st.next_seq, used + 1)
        st.queue_contact(ContactRecord(contact_id, line, priority, at, used), arrival=True)
        return used

    def restore_waiting(
        self, contacts: Iterable[tuple[ContactId, QueueId, Channel, int, float, int]],
    ) -> int:
        """Rebuild, at start-up, a backlog of waiting contacts in one pass.

        Each item is ``(contact_id, queue_id, channel, priority, enqueued_at, seq)``, as
        :meth:`enqueue` takes them; the same checks apply, and a refused item refuses the
        whole call before anything changed. Returns how many were restored.
        """
        st = self._state
        records = []
        seen: set[ContactId] = set()
        top = st.next_seq
        for contact_id, queue_id, channel, priority, enqueued_at, seq in contacts:
            if contact_id in st.contacts or contact_id in seen:
                raise ConflictError("the contact is already routed", {"contact_id": contact_id},
                                    reason="contact-already-routed")
            line = st.lines.get((queue_id, channel)) or self._line(queue_id, channel)
            if priority not in PRIORITY_CLASSES:
                _priority(priority)
            if not math.isfinite(enqueued_at) or seq < 0:
                raise ValidationError("a restored contact needs a finite instant and a "
                                      "non-negative seq", {"contact_id": contact_id})
            seen.add(contact_id)
            records.append(ContactRecord(contact_id, line, priority, enqueued_at, seq))
            top = max(top, seq + 1)
        st.next_seq = top
        for record in records:
            st.queue_contact(record, arrival=False)
        return len(records)

    def withdraw(self, contact_id: ContactId) -> None:
        """A waiting or offered contact leaves (abandoned, redirected, callback elsewhere).

        An offered contact frees its agent's capacity. Refused once accepted: use release.
        """
        record = self._contact(contact_id)
        if record.accepted:
            raise ConflictError("an accepted contact is released, not withdrawn",
                                {"contact_id": contact_id}, reason="contact-accepted-not-withdrawn")
        self._state.forget(record, self._clock.now())

    def accept(self, contact_id: ContactId, agent_id: AgentId) -> None:
        """The agent takes the contact offered to it, before the offer deadline."""
        st = self._state
        record = st.contacts.get(contact_id)
        if record is None or record.agent_id != agent_id or record.accepted:
            record = self._offered_to(contact_id, agent_id)  # raises the precise error
        deadline = record.offered_at + st.offer_timeout
        if self._clock.now() >= deadline:
            raise ConflictError("the offer has expired", {"contact_id": contact_id,
                                                          "deadline": deadline},
                                reason="offer-expired")
        self._state.accept(record)

    def decline(self, contact_id: ContactId, agent_id: AgentId) -> None:
        """The agent turns the offer down: the contact goes back to its place and will not
        be offered to this agent again; the agent stays available (idle from now if free)."""
        record = self._offered_to(contact_id, agent_id)
        if record.declined is None:
            record.declined = {}
        record.declined[agent_id] = None
        self._state.back_to_line(record, self._clock.now())

    def release(self, contact_id: ContactId) -> None:
        """An accepted contact is closed or transferred: its agent's capacity frees up."""
        record = self._state.contacts.get(contact_id) or self._contact(contact_id)
        if not record.accepted:
            raise ConflictError("only an accepted contact can be released "
                                "(withdraw or decline an offer)", {"contact_id": contact_id},
                                reason="contact-not-accepted")
        self._state.forget(record, self._clock.now())

    def restore_held(
        self, contact_id: ContactId, agent_id: AgentId, queue_id: QueueId, channel: Channel, *,
        accepted: bool, offered_at: float, priority: int | None = None,
        enqueued_at: float | None = None, seq: int | None = None, overflow: bool = False,
    ) -> None:
        """Rebuild, at start-up, a contact an agent held before the restart.

        Capacity is not checked: this restores what happened. *priority*, *enqueued_at* and
        *seq* give the place an offer that expires or is declined goes back to (defaults:
        the queue's class, the offer instant, the next number).
        """
        st = self._state
        if contact_id in st.contacts:
            raise ConflictError("the contact is already routed", {"contact_id": contact_id},
                                reason="contact-already-routed")
        state = self._agent(agent_id)
        line = self._line(queue_id, channel)
        if priority is not None:
            _priority(priority)
        used = st.next_seq if seq is None else seq
        st.next_seq = max(st.next_seq, used + 1)
        record = ContactRecord(
            contact_id, line, st.priorities[queue_id] if priority is None else priority,
            offered_at if enqueued_at is None else enqueued_at, used,
        )
        st.contacts[contact_id] = record
        if not accepted:
            line.offered += 1
        proficiency = state.agent.skills.get(line.queue.skill, 0)
        st.hold(record, state, offered_at, accepted=accepted, overflow=overflow,
                proficiency=proficiency)

    # ---- decisions ------------------------------------------------------------------------

    def route(self) -> list[Offer]:
        """Make every offer possible now (see renfort.routing.matching for the order)."""
        self._state.shares.notes.clear()
        return matching.route(self._state, self._clock.now())

    def expire_offers(self) -> list[OfferExpired]:
        """Take back every offer not accepted within the timeout (deadline <= now)."""
        return matching.expire(self._state, self._clock.now())

    def next_wakeup(self) -> float | None:
        """Earliest instant (seconds) where a decision may change without any event.

        That is an offer deadline, a line head reaching its next bullseye tier or its
        overflow threshold, a waiver starting or ending, or a contact behind a declined one
        becoming eligible. Returns *now* if changes wait for ``route()``; ``None`` if
        nothing is pending at all.
        """
        st, now = self._state, self._clock.now()
        if st.dirty_lines or st.dirty_agents:
            return now
        soonest = min(st.live_deadline(), st.live_line_wakeup(), st.waiver_check_at)
        if st.agent_wakeups:
            soonest = min(soonest, st.agent_wakeups[0][0])
        return None if soonest == NEVER else max(soonest, now)

    def explain(self, contact_id: ContactId, agent_id: AgentId) -> Explanation:
        """Rule-by-rule account of whether the agent may be offered the contact now."""
        record = self._contact(contact_id)
        state = self._agent(agent_id)
        return explaining.explain(self._state, record, state, self._clock.now())

    def audit(self, offer: Offer) -> dict[str, Any]:
        """The rules that made *offer* (see :mod:`renfort.routing.audit`); call it right
        after :meth:`route`, while the offer stands."""
        record = self._contact(offer.contact_id)
        state = self._agent(offer.agent_id)
        return auditing.offer_reasons(self._state, record, state, offer.at,
                                      self._state.shares.notes.get(offer.contact_id))

    # ---- lookups --------------------------------------------------------------------------

    def _offered_to(self, contact_id: ContactId, agent_id: AgentId) -> ContactRecord:
        record = self._contact(contact_id)
        self._agent(agent_id)
        if record.agent_id != agent_id or record.accepted:
            raise AgentStateError(
                "the contact is not offered to this agent",
                {"contact_id": contact_id, "agent_id": agent_id},
                reason="offer-not-yours",
            )
        return record


def _priority(priority: int) -> None:
    if priority not in PRIORITY_CLASSES:
        raise ValidationError("priority must be between 1 and 9", {"field": "priority"},
                              reason="priority-range")


def _refuse_busy_line(st: RouterState, queue_id: QueueId, channel: Channel) -> None:
    line = st.lines[(queue_id, channel)]
    if line.count or line.offered:
        raise ConflictError(
            f"contacts still wait or are offered on {channel} in this queue",
            {"queue_id": queue_id, "channel": str(channel), "waiting": line.count,
             "offered": line.offered},
             reason="queue-channel-busy",
        )


def _drop_line(st: RouterState, queue_id: QueueId, channel: Channel) -> None:
    key = (queue_id, channel)
    del st.lines[key]
    st.dirty_lines.pop(key, None)
    st.touched_lines.pop(key, None)

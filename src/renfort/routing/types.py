"""Values the router hands out: agent presence, offers, expiries, explanations, read models.

All instants are seconds on the router's :class:`~renfort.domain.clock.Clock` (POSIX seconds
in the live service, virtual seconds in the simulator); all durations are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from renfort.domain.ids import AgentId, ContactId, QueueId
from renfort.domain.model import Channel


class AgentStatus(StrEnum):
    """Presence of an agent. "Busy" is not a status: it follows from the agent's load."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    BREAK = "break"
    MISSED = "missed"
    """Let an offer time out; not routed to until set available again."""


class HoldState(StrEnum):
    """How a contact occupies an agent's capacity."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    """Accepted, in conversation or in wrap-up: the router does not tell those apart."""


class Offer(NamedTuple):
    """The router offers ``contact_id`` to ``agent_id`` at instant ``at``.

    A named tuple rather than a frozen dataclass: one is made per routing decision, and
    building a tuple costs a third of a frozen dataclass (measured, bench/simulation.py).

    *overflow* is true when the agent's outsourcer has no contract for the queue and the
    contact was routed to it by solidarity overflow; *proficiency* is the agent's level in
    the queue's skill (1–5).
    """

    contact_id: ContactId
    agent_id: AgentId
    queue_id: QueueId
    channel: Channel
    at: float
    overflow: bool
    proficiency: int


@dataclass(frozen=True, slots=True)
class OfferExpired:
    """The offer of ``contact_id`` to ``agent_id`` ran out at instant ``at`` (its deadline).

    The contact is back at its place in its line; the agent is ``MISSED``.
    """

    contact_id: ContactId
    agent_id: AgentId
    at: float


@dataclass(frozen=True, slots=True)
class Check:
    """One eligibility rule applied to a (contact, agent) pair; *detail* is plain English."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an agent may or may not be offered a contact at instant ``at``.

    ``eligible`` is true only when every check passed (which implies the contact waits).
    """

    contact_id: ContactId
    agent_id: AgentId
    at: float
    eligible: bool
    checks: tuple[Check, ...]

    def check(self, name: str) -> Check:
        """The check called ``name``; raises ``KeyError`` for an unknown name."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)


@dataclass(frozen=True, slots=True)
class HeldContact:
    """A contact occupying an agent's capacity since ``since`` (the offer instant)."""

    contact_id: ContactId
    queue_id: QueueId
    channel: Channel
    state: HoldState
    since: float
    overflow: bool


@dataclass(frozen=True, slots=True)
class ContactPlace:
    """Where the router has a contact: waiting in a line, or held by an agent.

    ``agent_id`` is ``None`` exactly when ``state`` is ``None`` (the contact waits).
    """

    contact_id: ContactId
    queue_id: QueueId
    channel: Channel
    priority: int
    enqueued_at: float
    seq: int
    state: HoldState | None
    agent_id: AgentId | None

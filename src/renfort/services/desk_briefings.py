"""The desk's part of briefings: the gate applied to the router's view of agents, and the
breach exception (see :mod:`renfort.routing.briefing_gate`).

The gate is read from the store with the configuration (start-up, rebuilds, every reload:
publishing a briefing or acknowledging one reloads the desk), so it survives restarts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy import Connection, select

from renfort.domain.clock import Clock
from renfort.domain.model import Agent
from renfort.routing.briefing_gate import Briefing, BriefingGate, breach_pass
from renfort.routing.types import Check, Explanation, Offer
from renfort.services.desk_state import DeskState
from renfort.store import operations_tables as o


def load_gate(conn: Connection, agents: Iterable[Agent]) -> BriefingGate:
    briefings = [Briefing(str(r.id), frozenset(r.skills), str(r.title)) for r in conn.execute(
        select(o.briefings.c.id, o.briefings.c.skills, o.briefings.c.title))]
    if not briefings:
        return BriefingGate()
    acks = [(str(b), str(a)) for b, a in conn.execute(
        select(o.briefing_acks.c.briefing_id, o.briefing_acks.c.agent_id))]
    return BriefingGate.build(agents, briefings, acks)


class BriefingDesk(DeskState):
    """Mixed into :class:`renfort.services.desk_handlers.DeskCore`."""

    def __init__(self, clock: Clock, offer_timeout: float) -> None:
        super().__init__(clock, offer_timeout)
        self.gate = BriefingGate()

    def _gated(self, agent: Agent) -> Agent:
        return self.gate.restrict(agent)

    def _breach_offers(self) -> list[Offer]:
        """After a routing pass without unbriefed agents, the breach exception."""
        return breach_pass(self.router, self.gate, self._config.agents, self._queues.values(),
                           self._clock.now())

    def _pinned_note(self, offer: Offer) -> str | None:
        """The briefing pinned on a contact offered to an agent who has not read it."""
        contact = self._contacts.get(offer.contact_id)
        queue = self._queues.get(contact.queue_id) if contact is not None else None
        skill = queue.skill if queue is not None else None
        owed = self.gate.owed(offer.agent_id, skill)
        if not owed:
            return None
        return ("Consigne à lire avant de répondre (file en dépassement) : "
                + " ; ".join(b.title for b in owed))

    def _explain_briefing(self, explanation: Explanation, queue_skill: str) -> Explanation:
        owed = self.gate.owed(explanation.agent_id, queue_skill)
        if not owed:
            return explanation
        check = Check("briefing", False, "held back until the agent acknowledges the "
                      "briefing " + ", ".join(repr(b.title) for b in owed)
                      + " (unless the queue reaches its service-level threshold)")
        return dataclasses.replace(explanation, eligible=False,
                                   checks=(*explanation.checks, check))

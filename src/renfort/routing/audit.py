"""Why an offer went where it went, written down at the instant it was made.

:mod:`renfort.routing.explain` answers "may this agent take this contact now?" while the
contact is live. Once the contact is finished there is nothing left to ask the router, so
each offer carries its reasons with it: :func:`offer_reasons` reads them from the router's
state right after the offer (the contact is then held by the agent it was offered to) and
the desk stores them in the same commit as the offer.

The reasons are plain values (numbers and short strings) so that they can be stored as JSON
and compared in tests; :func:`summary` turns them into one English sentence.
"""

from __future__ import annotations

from typing import Any

from renfort.domain.model import TeleworkRule, WorkPlace
from renfort.routing.agents import AgentState
from renfort.routing.lines import ContactRecord
from renfort.routing.policy import floor_at
from renfort.routing.state import RouterState

NO_OVERFLOW = "none"
CONTRACT_OVERFLOW = "contract"
"""A contracted outsourcer took the contact beyond its volume share (the contracted backup)."""
SOLIDARITY_OVERFLOW = "solidarity"
"""An outsourcer without a contract for the queue took it once the overflow delay passed."""
OVERFLOW_KINDS = (NO_OVERFLOW, CONTRACT_OVERFLOW, SOLIDARITY_OVERFLOW)


def offer_reasons(
    state: RouterState, record: ContactRecord, agent: AgentState, now: float,
    share: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The rules that sent ``record`` to ``agent`` at ``now`` (the offer instant).

    *share*: what the volume-share rule decided for this offer (:mod:`renfort.routing.shares`),
    when the queue is shared under contract.
    """
    queue = record.line.queue
    waited = now - record.enqueued_at
    floor = floor_at(queue, record.enqueued_at, now)
    ring = sum(1 for tier in queue.bullseye if record.enqueued_at + tier.after_seconds <= now)
    if record.overflow:
        overflow = SOLIDARITY_OVERFLOW
    elif share is not None and share.get("beyond_share"):
        overflow = CONTRACT_OVERFLOW
    else:
        overflow = NO_OVERFLOW
    reasons: dict[str, Any] = {
        "queue": queue.slug,
        "channel": str(record.channel),
        "priority_class": record.line.priority_class,
        "priority": record.priority,
        "arrival": record.seq,
        "waited_seconds": round(waited, 3),
        "sl_seconds": queue.sl_seconds,
        "wait_vs_sl": round(waited / queue.sl_seconds, 3),
        "proficiency": record.proficiency,
        "floor": floor,
        "ring": ring,
        "rings": len(queue.bullseye),
        "overflow": overflow,
        "outsourcer": agent.agent.outsourcer_id,
        "place": str(agent.agent.works_from),
        "telework": _telework_basis(state, record, agent, now),
        "idle_seconds": round(max(0.0, now - agent.idle_since), 3) if len(agent.held) == 1
        else None,
    }
    if share is not None:
        reasons["share"] = share
    return reasons


def _telework_basis(state: RouterState, record: ContactRecord, agent: AgentState,
                    now: float) -> str:
    if agent.agent.works_from is WorkPlace.SITE:
        return "on site"
    queue = record.line.queue
    if queue.telework is TeleworkRule.ALLOWED:
        return "from home: the queue allows telework"
    active = state.waivers.active_for(queue, now)
    if active is not None:
        return f"from home under waiver {active.id}"
    return "from home (no basis found)"


def summary(reasons: dict[str, Any]) -> str:
    """One sentence: the rule that chose the agent, from :func:`offer_reasons`' values."""
    parts = [
        f"priority class {reasons['priority_class']} (contact priority {reasons['priority']})",
        f"waited {reasons['waited_seconds']:.1f} s against a {reasons['sl_seconds']:.0f} s "
        f"service level ({reasons['wait_vs_sl']:.2f})",
        f"proficiency {reasons['proficiency']} at or above the floor {reasons['floor']} "
        f"(bullseye ring {reasons['ring']} of {reasons['rings']})",
    ]
    overflow = reasons["overflow"]
    if overflow == SOLIDARITY_OVERFLOW:
        parts.append("solidarity overflow: outsourcer without a contract, after the delay")
    elif overflow == CONTRACT_OVERFLOW:
        parts.append("contract overflow: contracted outsourcer beyond its volume share")
    else:
        parts.append("contracted outsourcer")
    share = reasons.get("share")
    if share:
        parts.append(str(share.get("rule", "")))
    parts.append(str(reasons["telework"]))
    return "; ".join(p for p in parts if p)

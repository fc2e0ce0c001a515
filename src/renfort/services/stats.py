"""Live queue statistics: the desk's in-memory view joined with today's figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from renfort.domain.clock import Clock
from renfort.routing.types import AgentStatus
from renfort.services import contacts_read
from renfort.services.desk import Desk
from renfort.services.desktop import agent_state
from renfort.services.principals import OUTSOURCER_ROLES, Principal


def queue_stats(engine: Engine, desk: Desk, clock: Clock, who: Principal,
                queue_id: str) -> dict[str, Any]:
    """Waiting contacts and oldest wait (live), today's figures, agents by state.

    Agents counted are those who could serve the queue: skilled, of an outsourcer with a
    contract for it. Outsourcer staff only see their own outsourcer's agents.
    """
    queue = desk.queue(queue_id)
    now = clock.now()
    serving = desk.serving_outsourcers(queue.id)
    if who.role in OUTSOURCER_ROLES:
        serving = serving & {who.outsourcer_id or ""}
    by_state = {str(s): 0 for s in AgentStatus} | {"busy": 0, "offered": 0}
    for agent in desk.agents():
        if agent.outsourcer_id not in serving or queue.skill not in agent.skills:
            continue
        by_state[agent_state(desk, agent.id)] += 1
    with engine.connect() as conn:
        today = contacts_read.today_figures(conn, queue.id, queue.sl_seconds, now)
    return {
        "queue": queue.id,
        "slug": queue.slug,
        "waiting": desk.view.waiting_count(queue.id),
        "oldest_wait_seconds": round(desk.view.oldest_wait(queue.id, now), 1),
        "sl_target": queue.sl_target,
        "sl_seconds": queue.sl_seconds,
        **today,
        "agents": by_state,
    }

"""The citizen's side of a public chat after a hand-off: what the agent wrote back.

The self-service transcript (:mod:`renfort.services.self_service`) holds the citizen's
turns and the assistant's answers; once a conversation is handed off, the agent's replies
live on the contact. This read model merges both for the citizen, who is known only by the
conversation's unguessable id (UUID4, 122 random bits) and never sees system notes, other
contacts, or anything about the agent but their replies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from renfort.domain.clock import to_iso
from renfort.domain.contacts import WAITING_STATES, ContactState
from renfort.services.contacts_read import start_of_day
from renfort.services.desk import Desk
from renfort.services.desktop import agent_state
from renfort.services.self_service import SelfService
from renfort.store import tables as t


def conversation_view(engine: Engine, self_service: SelfService, conversation_id: str
                      ) -> dict[str, Any]:
    """Turns and agent replies in time order, with the state of the hand-off contact.

    Raises :class:`~renfort.domain.errors.NotFoundError` for an unknown conversation.
    """
    transcript = self_service.transcript(conversation_id)
    items: list[dict[str, Any]] = [dict(turn) for turn in transcript["turns"]]
    contact_id = transcript["contact_id"]
    contact: dict[str, Any] | None = None
    if contact_id:
        with engine.connect() as conn:
            row = conn.execute(select(t.contacts.c.state, t.contacts.c.client_id)
                               .where(t.contacts.c.id == contact_id)).first()
            replies = conn.execute(
                select(t.messages.c.body, t.messages.c.at)
                .where(t.messages.c.contact_id == contact_id)
                .where(t.messages.c.author == "agent").order_by(t.messages.c.id)).all()
        if row is not None:
            contact = {"id": contact_id, "state": str(row[0]), "client_id": str(row[1])}
        items += [{"author": "agent", "body": body, "at": to_iso(at)} for body, at in replies]
        items.sort(key=lambda item: datetime.fromisoformat(item["at"]).timestamp()
                   if item["at"] else 0.0)
    return {"conversation_id": transcript["conversation_id"], "state": transcript["state"],
            "contact": contact, "items": items}


DEFAULT_HANDLE_SECONDS = 240.0
"""A chat's handling time before the queue has answered any today (a cautious guess)."""
MIN_HANDLE_SECONDS = 60.0
"""A few very short chats (a wrong number) must not promise a wait of seconds."""


def waiting_estimate(engine: Engine, desk: Desk, now: float, contact_id: str
                     ) -> dict[str, Any] | None:
    """Where the citizen's own contact stands in its queue: its rank among the contacts of
    that queue the router would serve first (higher priority, then longer wait), and an
    estimated wait. Only these two numbers leave the server: nothing about the others.

    The estimate: nobody ahead and an agent free → under a minute; otherwise the contacts
    ahead (and this one) share the agents who can serve the queue and are logged in, each
    taking today's mean handling time of the queue. None when the contact no longer waits.
    """
    mine = desk.live_contact(contact_id)
    if mine is None or mine.state not in WAITING_STATES | {ContactState.OFFERED}:
        return None
    if mine.state is ContactState.OFFERED:
        return {"position": 1, "ahead": 0, "estimate_seconds": 0.0, "offered": True,
                "staffed": True}
    ahead = sum(1 for other in desk.view.contacts_in_flight()
                if other.queue_id == mine.queue_id and other.id != mine.id
                and other.state in WAITING_STATES
                and (-other.priority, other.enqueued_at, other.seq)
                < (-mine.priority, mine.enqueued_at, mine.seq))
    queue = desk.queue(mine.queue_id)
    serving = desk.serving_outsourcers(queue.id)
    free = working = 0
    for agent in desk.agents():
        if agent.outsourcer_id not in serving or queue.skill not in agent.skills:
            continue
        state = agent_state(desk, agent.id)
        working += state in ("available", "offered", "busy")
        free += state == "available"
    if ahead == 0 and free:
        estimate = 0.0
    else:
        with engine.connect() as conn:
            handle = max(MIN_HANDLE_SECONDS,
                         _mean_handle(conn, queue.id, now) or DEFAULT_HANDLE_SECONDS)
        estimate = (ahead + 1) * handle / max(working, 1)
    return {"position": ahead + 1, "ahead": ahead, "estimate_seconds": round(estimate),
            "offered": False, "staffed": working > 0}


def _mean_handle(conn: Connection, queue_id: str, now: float) -> float | None:
    c = t.contacts.c
    value = conn.execute(
        select(func.avg(c.ended_at - c.answered_at)).where(c.queue_id == queue_id)
        .where(c.answered_at.is_not(None)).where(c.ended_at.is_not(None))
        .where(c.created_at >= start_of_day(now))).scalar_one_or_none()
    return float(value) if value else None

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

from sqlalchemy import Engine, select

from renfort.domain.clock import to_iso
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

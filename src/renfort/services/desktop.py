"""Read models of the agent desktop that the contact API does not offer as such."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.retention import ERASED_REF
from renfort.services import access, contacts_read
from renfort.services.principals import Principal
from renfort.store import tables as t


def customer_history(conn: Connection, who: Principal, contact_id: str, limit: int = 10
                     ) -> list[dict[str, Any]]:
    """Earlier contacts of the same customer that ``who`` may see, newest first.

    The contact itself must be visible (404 otherwise); the tenant rule of
    :func:`access.contact_filter` applies to every earlier contact as well.
    """
    contacts_read.visible_contact(conn, who, contact_id)
    ref = conn.execute(select(t.contacts.c.customer_ref)
                       .where(t.contacts.c.id == contact_id)).scalar_one()
    if ref == ERASED_REF:  # erased contacts are nobody's history
        return []
    rows = conn.execute(
        select(t.contacts.c.id, t.contacts.c.queue_id, t.contacts.c.channel,
               t.contacts.c.state, t.contacts.c.created_at, t.contacts.c.disposition)
        .where(t.contacts.c.customer_ref == ref)
        .where(t.contacts.c.id != contact_id)
        .where(access.contact_filter(conn, who))
        .order_by(t.contacts.c.created_at.desc()).limit(limit)).mappings()
    slugs = dict(conn.execute(select(t.queues.c.id, t.queues.c.name)).all())
    return [{"id": r["id"], "queue_name": slugs.get(r["queue_id"], r["queue_id"]),
             "channel": r["channel"], "state": r["state"], "created_at": r["created_at"],
             "disposition": r["disposition"]} for r in rows]

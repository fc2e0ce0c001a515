"""Read models of the agent desktop that the contact API does not offer as such."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.retention import ERASED_REF
from renfort.knowledge.redirects import URGENT_KEYS, Entry, Number
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


SEVERITY = {"suicide": 0, "medical_urgent": 0, "medical": 1, "psychological": 2}
"""Which triage notice an alert shows first: danger, then medical, then distress."""


def safety_alert(events: list[dict[str, Any]], entries: Mapping[str, Entry]
                 ) -> dict[str, Any] | None:
    """The alert the agent sees on a contact whose citizen wrote something the line must not
    answer (``triage_redirect`` events): the most serious notice, the latest of its rank,
    with what the citizen was given (the numbers recorded then; the directory's entry in
    force for notices recorded before the numbers were)."""
    notes = [e for e in events if e["action"] == "triage_redirect"]
    if not notes:
        return None
    _, note = min(enumerate(notes), key=lambda pair: (
        SEVERITY.get(pair[1]["data"].get("key", ""), 3), -pair[0]))
    data = note["data"]
    key = str(data.get("key", "medical"))
    entry = entries.get(key)
    numbers = [Number(n["label"], n["number"], n.get("kind", "tel"))
               for n in data.get("numbers") or []]
    if not numbers and entry is not None:
        numbers = list(entry.numbers)
    return {"key": key, "label": data.get("label"), "urgent": key in URGENT_KEYS,
            "at": note["at"], "text": data.get("text", ""),
            "entry_label": data.get("entry_label") or (entry.label if entry else key),
            "numbers": [n.as_dict() for n in numbers], "count": len(notes)}


def alerted_contacts(conn: Connection, contact_ids: list[str]) -> set[str]:
    """Which of these contacts carry a triage notice (the agent's list marks them)."""
    if not contact_ids:
        return set()
    rows = conn.execute(select(t.contact_events.c.contact_id)
                        .where(t.contact_events.c.contact_id.in_(contact_ids))
                        .where(t.contact_events.c.action == "triage_redirect").distinct())
    return {str(r) for r in rows.scalars()}

"""Read models of the agent desktop that the contact API does not offer as such."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from renfort.domain.contacts import ContactState
from renfort.domain.retention import ERASED_REF
from renfort.knowledge.redirects import URGENT_KEYS, Entry, Number
from renfort.routing.types import AgentStatus
from renfort.services import access, contacts_read
from renfort.services.desk import Desk
from renfort.services.principals import Principal
from renfort.store import knowledge_tables as k
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


def agent_state(desk: Desk, agent_id: str) -> str:
    """What an agent is doing, in one word shared by the desktop, the wall and the queue
    figures: their status, or ``busy`` while they hold a contact, or ``offered`` while the
    only contacts they have are offers not yet accepted (they are not talking to anyone)."""
    live = desk.view.agent(agent_id)
    if live.status is not AgentStatus.AVAILABLE or live.load <= 0:
        return str(live.status)
    held = desk.held_by(agent_id)
    if held and all(h.state is ContactState.OFFERED for h in held):
        return "offered"
    return "busy"


HANDOFF_PREFIX = "Transmis par l'assistant en ligne"


def offer_context(conn: Connection, who: Principal, contact_id: str) -> dict[str, Any]:
    """What an agent needs to decide on an offer: the caller's first message (chat), why the
    assistant passed it on, and a flag when its triage hesitated towards medical or the
    citizen already wrote something urgent. Personal data masked as for any reader."""
    said = contacts_read.messages(conn, who, contact_id)
    first = next((m["body"] for m in said if m["author"] == "customer"), None)
    note = next((m["body"] for m in reversed(said)
                 if m["author"] == "system" and m["body"].startswith(HANDOFF_PREFIX)), None)
    labels = set(conn.execute(select(k.kb_outcomes.c.triage_label)
                              .where(k.kb_outcomes.c.contact_id == contact_id)).scalars())
    alerted = bool(alerted_contacts(conn, [contact_id]))
    urgency = None
    if alerted or labels & {"medical_urgent", "medical", "psychological"}:
        urgency = "alert"
    elif note and "signal médical incertain" in note:
        urgency = "doubt"
    elif "health_info" in labels:
        urgency = "health"
    if first and len(first) > 280:
        first = first[:277].rstrip() + "…"
    return {"first_message": first, "note": note, "urgency": urgency}

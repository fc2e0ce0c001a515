"""Read models for contacts: lists, detail with history, messages, queue statistics.

Reads skip the domain and the desk: acknowledged writes are committed, so the store is
always at least as new as any answer already given.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from renfort.domain.clock import PARIS, to_datetime, to_iso
from renfort.domain.contacts import ContactState
from renfort.domain.errors import NotFoundError
from renfort.services import access, masking
from renfort.services.principals import Principal
from renfort.store import tables as t


def _contact_out(row: Any, who: Principal, slugs: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "seq": row["seq"],
        "queue": row["queue_id"],
        "queue_slug": slugs.get(row["queue_id"]),
        "client_id": row["client_id"],
        "channel": row["channel"],
        "state": row["state"],
        "priority": row["priority"],
        "customer_ref": masking.customer_ref(row["customer_ref"], who, row["agent_id"]),
        "agent_id": row["agent_id"],
        "outsourcer_id": row["outsourcer_id"],
        "overflow": bool(row["overflow"]),
        "created_at": to_iso(row["created_at"]),
        "offered_at": to_iso(row["offered_at"]),
        "answered_at": to_iso(row["answered_at"]),
        "ended_at": to_iso(row["ended_at"]),
        "disposition": row["disposition"],
    }


def _queue_slugs(conn: Connection) -> dict[str, str]:
    return {str(i): str(s) for i, s in conn.execute(select(t.queues.c.id, t.queues.c.slug))}


def list_contacts(conn: Connection, who: Principal, *, state: str | None = None,
                  queue: str | None = None, after: int = 0, limit: int = 1000
                  ) -> list[dict[str, Any]]:
    """Visible contacts, oldest first (by arrival sequence)."""
    query = select(t.contacts).where(access.contact_filter(conn, who)) \
        .where(t.contacts.c.seq > after).order_by(t.contacts.c.seq).limit(limit)
    if state is not None:
        query = query.where(t.contacts.c.state == state)
    if queue is not None:
        query = query.where((t.contacts.c.queue_id == queue) | t.contacts.c.queue_id.in_(
            select(t.queues.c.id).where(t.queues.c.slug == queue)))
    slugs = _queue_slugs(conn)
    return [_contact_out(r, who, slugs) for r in conn.execute(query).mappings()]


def external_ref_used(conn: Connection, external_ref: str) -> bool:
    """Whether a contact (in progress or finished) already carries this reference."""
    return conn.execute(select(t.contacts.c.id).where(t.contacts.c.external_ref
                                                      == external_ref).limit(1)).first() \
        is not None


def visible_contact(conn: Connection, who: Principal, contact_id: str) -> dict[str, Any]:
    row = conn.execute(select(t.contacts).where(t.contacts.c.id == contact_id)
                       .where(access.contact_filter(conn, who))).mappings().first()
    if row is None:
        raise NotFoundError("no such contact", {"contact": contact_id}, reason="contact-unknown")
    return _contact_out(row, who, _queue_slugs(conn))


def contact_detail(conn: Connection, who: Principal, contact_id: str) -> dict[str, Any]:
    contact = visible_contact(conn, who, contact_id)
    events = conn.execute(select(t.contact_events)
                          .where(t.contact_events.c.contact_id == contact_id)
                          .order_by(t.contact_events.c.id)).mappings()
    contact["events"] = [
        {"action": e["action"], "from_state": e["from_state"], "to_state": e["to_state"],
         "at": to_iso(e["at"]), "agent_id": e["agent_id"], "data": e["data"] or {}}
        for e in events
    ]
    return contact


def messages(conn: Connection, who: Principal, contact_id: str) -> list[dict[str, Any]]:
    """The conversation: in full for the agent handling it, personal data masked for the
    other readers of the contact."""
    contact = visible_contact(conn, who, contact_id)
    rows = conn.execute(select(t.messages).where(t.messages.c.contact_id == contact_id)
                        .order_by(t.messages.c.id)).mappings()
    return [{"id": m["id"], "author": m["author"], "author_id": m["author_id"],
             "body": masking.text(m["body"], who, contact["agent_id"]),
             "at": to_iso(m["at"])} for m in rows]


def start_of_day(now: float) -> float:
    """Midnight of the current day in Europe/Paris, as POSIX seconds."""
    local = to_datetime(now).astimezone(PARIS)
    return datetime.combine(local.date(), time(0), tzinfo=PARIS).timestamp()


def today_figures(conn: Connection, queue_id: str, sl_seconds: float, now: float
                  ) -> dict[str, Any]:
    """Offered, answered, abandoned and service level since midnight (Paris) for a queue.

    Service level = contacts answered within ``sl_seconds`` of queuing, over contacts that
    were answered or abandoned (a contact that gave up counts against it, whenever it did).
    """
    c = t.contacts.c
    answered = c.answered_at.is_not(None)
    in_time = and_(answered, (c.answered_at - c.enqueued_at) <= sl_seconds)
    row = conn.execute(
        select(
            func.count(),
            func.sum(case((answered, 1), else_=0)),
            func.sum(case((c.state == str(ContactState.ABANDONED), 1), else_=0)),
            func.sum(case((in_time, 1), else_=0)),
            func.avg(case((answered, c.answered_at - c.enqueued_at), else_=None)),
        ).where(c.queue_id == queue_id).where(c.created_at >= start_of_day(now))
    ).one()
    offered, n_answered, n_abandoned, n_in_time, asa = row
    n_answered, n_abandoned, n_in_time = int(n_answered or 0), int(n_abandoned or 0), \
        int(n_in_time or 0)
    handled = n_answered + n_abandoned
    return {
        "offered_today": int(offered or 0),
        "answered_today": n_answered,
        "abandoned_today": n_abandoned,
        "service_level_today": round(n_in_time / handled, 4) if handled else None,
        "asa_seconds_today": round(float(asa), 1) if asa is not None else None,
    }


def intervals_today(conn: Connection, queue_sl: dict[str, float], now: float,
                    step: float = 3600.0) -> list[dict[str, Any]]:
    """Today's contacts of these queues (id → seconds of their service-level goal) by
    interval of ``step`` seconds since midnight (Paris) up to ``now``: service level (as in
    :func:`today_figures`, each contact against its own queue's goal), mean and longest
    wait of the contacts answered or abandoned in the interval they arrived in."""
    start = start_of_day(now)
    count = max(1, int((now - start) // step) + 1)
    handled, in_time = [0] * count, [0] * count
    waits: list[list[float]] = [[] for _ in range(count)]
    if queue_sl:
        c = t.contacts.c
        found = conn.execute(
            select(c.queue_id, c.created_at, c.enqueued_at, c.answered_at, c.ended_at,
                   c.state)
            .where(c.queue_id.in_(list(queue_sl))).where(c.created_at >= start))
        for queue_id, created, enqueued, answered, ended, state in found:
            index = min(count - 1, int((created - start) // step))
            since = enqueued if enqueued is not None else created
            if answered is not None:
                wait = answered - since
            elif state == str(ContactState.ABANDONED) and ended is not None:
                wait = ended - since
            else:
                continue
            handled[index] += 1
            in_time[index] += int(answered is not None and wait <= queue_sl[str(queue_id)])
            waits[index].append(max(0.0, float(wait)))
    return [{"start": start + i * step, "handled": handled[i],
             "service_level": in_time[i] / handled[i] if handled[i] else None,
             "mean_wait": sum(waits[i]) / len(waits[i]) if waits[i] else None,
             "max_wait": max(waits[i]) if waits[i] else None} for i in range(count)]

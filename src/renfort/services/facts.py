"""Keeping the interval facts: added to when contacts finish, rebuilt on demand.

:func:`add_finished` runs inside the desk's commit (:meth:`renfort.services.batch.Batch.write`)
with the ids of the contacts that reached a final state in it: only those contacts' events
are read, never the whole history. :func:`rebuild` empties the table and replays every
finished contact through the same :func:`renfort.reporting.facts.contact_facts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, select

from renfort.domain.contacts import FINAL_STATES
from renfort.reporting.facts import Addition, FactKey, OfferNote, contact_facts
from renfort.store import report_tables as r
from renfort.store import tables as t

CHUNK = 500


def add_finished(conn: Connection, contact_ids: Iterable[str]) -> int:
    """Add the facts of these finished contacts; returns how many were counted."""
    ids = sorted(set(contact_ids))
    total: dict[FactKey, Addition] = {}
    counted = 0
    sl = _sl_seconds(conn)
    for start in range(0, len(ids), CHUNK):
        counted += _collect(conn, ids[start:start + CHUNK], sl, total)
    _write(conn, total)
    return counted


def rebuild(conn: Connection) -> int:
    """Recompute the whole table from the finished contacts; returns how many."""
    conn.execute(delete(r.interval_facts))
    finished = [str(i) for i in conn.execute(
        select(t.contacts.c.id).where(t.contacts.c.state.in_([str(s) for s in FINAL_STATES]))
        .order_by(t.contacts.c.seq)).scalars()]
    return add_finished(conn, finished)


def _sl_seconds(conn: Connection) -> dict[str, float]:
    return {str(q): float(s) for q, s in conn.execute(
        select(t.queues.c.id, t.queues.c.sl_seconds))}


def _collect(conn: Connection, ids: list[str], sl: dict[str, float],
             total: dict[FactKey, Addition]) -> int:
    c = t.contacts.c
    contacts = conn.execute(
        select(c.id, c.queue_id, c.client_id, c.channel, c.outsourcer_id, c.overflow, c.state)
        .where(c.id.in_(ids))).mappings().all()
    events: dict[str, list[dict[str, Any]]] = {}
    e = t.contact_events.c
    for row in conn.execute(select(e.contact_id, e.action, e.at, e.agent_id, e.data)
                            .where(e.contact_id.in_(ids)).order_by(e.id)).mappings():
        events.setdefault(str(row["contact_id"]), []).append(dict(row))
    offers: dict[str, list[OfferNote]] = {}
    a = r.offer_audit.c
    outsourcer_of: dict[str, str] = {}
    for audit in conn.execute(select(a.contact_id, a.agent_id, a.queue_id, a.outsourcer_id,
                                     a.reasons).where(a.contact_id.in_(ids)).order_by(a.id)):
        reasons = audit.reasons or {}
        offers.setdefault(str(audit.contact_id), []).append(OfferNote(
            str(audit.agent_id), str(audit.queue_id), audit.outsourcer_id,
            str(reasons.get("overflow", "none")), str(reasons.get("telework", ""))))
    agents = {str(row["agent_id"]) for rows in events.values() for row in rows
              if row["agent_id"]}
    if agents:
        outsourcer_of = {str(i): str(o) for i, o in conn.execute(
            select(t.agents.c.id, t.agents.c.outsourcer_id).where(t.agents.c.id.in_(agents)))}
    counted = 0
    finals = {str(s) for s in FINAL_STATES}
    for contact in contacts:
        if contact["state"] not in finals:
            continue
        counted += 1
        found = contact_facts(dict(contact), events.get(str(contact["id"]), []),
                              offers.get(str(contact["id"]), []), sl, outsourcer_of)
        for key, addition in found.items():
            if key in total:
                total[key].merge(addition)
            else:
                total[key] = addition
    return counted


def _write(conn: Connection, total: dict[FactKey, Addition]) -> None:
    """Add to existing rows, insert the others (the desk is the only writer of this table;
    a rebuild runs in one transaction)."""
    f = r.interval_facts.c
    for (interval, queue, outsourcer, channel), add in sorted(total.items()):
        where = ((f.interval_start == interval) & (f.queue_id == queue)
                 & (f.outsourcer_id == outsourcer) & (f.channel == channel))
        row = conn.execute(select(r.interval_facts).where(where)).mappings().first()
        if row is None:
            values: dict[str, Any] = {name: add.counts.get(name, 0) for name in r.FACT_COUNTS}
            values.update({name: add.sums.get(name, 0.0) for name in r.FACT_SUMS})
            conn.execute(r.interval_facts.insert().values(
                interval_start=interval, queue_id=queue, outsourcer_id=outsourcer,
                channel=channel, client_id=add.client_id,
                redirects=dict(sorted(add.redirects.items())) or None,
                waivers=dict(sorted(add.waivers.items())) or None, **values))
            continue
        changes: dict[str, Any] = {name: row[name] + add.counts[name] for name in add.counts}
        changes.update({name: row[name] + add.sums[name] for name in add.sums})
        for column, tally in (("redirects", add.redirects), ("waivers", add.waivers)):
            if tally:
                merged = dict(row[column] or {})
                for label, n in tally.items():
                    merged[label] = merged.get(label, 0) + n
                changes[column] = dict(sorted(merged.items()))
        if changes:
            conn.execute(r.interval_facts.update().where(where).values(**changes))

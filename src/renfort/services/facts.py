"""Keeping the interval facts: added to when contacts finish, rebuilt on demand.

:func:`add_finished` runs inside the desk's commit (:meth:`renfort.services.batch.Batch.write`)
with the ids of the contacts that reached a final state in it: only those contacts' events
are read, never the whole history. :func:`rebuild` empties the table and replays every
finished contact through the same :func:`renfort.reporting.facts.contact_facts`.

This runs on the desk's hot path, so it costs few round trips per commit: one read of the
finished contacts with their events (and their queue's threshold), one of their audited
offers, and one upsert per fact row touched (rare extra reads for transferred contacts and
offers made before the audit existed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, Connection, Insert, Select, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from renfort.domain.contacts import FINAL_STATES
from renfort.reporting.facts import Addition, FactKey, OfferNote, contact_facts
from renfort.store import report_tables as r
from renfort.store import tables as t

CHUNK = 500
_FINAL = frozenset(str(s) for s in FINAL_STATES)
_CONTACT = ("queue_id", "client_id", "channel", "outsourcer_id", "overflow", "state")


def add_finished(conn: Connection, contact_ids: Iterable[str]) -> int:
    """Add the facts of these finished contacts; returns how many were counted."""
    ids = sorted(set(contact_ids))
    total: dict[FactKey, Addition] = {}
    counted = 0
    for start in range(0, len(ids), CHUNK):
        counted += _collect(conn, ids[start:start + CHUNK], total)
    _write(conn, total)
    return counted


def rebuild(conn: Connection) -> int:
    """Recompute the whole table from the finished contacts; returns how many."""
    conn.execute(delete(r.interval_facts))
    finished = [str(i) for i in conn.execute(
        select(t.contacts.c.id).where(t.contacts.c.state.in_(sorted(_FINAL)))
        .order_by(t.contacts.c.seq)).scalars()]
    return add_finished(conn, finished)


def _statements() -> tuple[Select[Any], Select[Any]]:
    """The two reads of :func:`_collect`, built once (building them costs more than
    running them on the hot path)."""
    c, e, q, a = t.contacts.c, t.contact_events.c, t.queues.c, r.offer_audit.c
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    histories = (
        select(e.contact_id, e.action, e.at, e.agent_id, e.data,
               *(getattr(c, name) for name in _CONTACT), q.sl_seconds)
        .join(t.contacts, t.contacts.c.id == e.contact_id)
        .join(t.queues, t.queues.c.id == c.queue_id)
        .where(e.contact_id.in_(ids), c.state.in_(sorted(_FINAL))).order_by(e.id))
    audits = (select(a.contact_id, a.agent_id, a.queue_id, a.outsourcer_id, a.reasons)
              .where(a.contact_id.in_(ids)).order_by(a.id))
    return histories, audits


_HISTORIES, _AUDITS = _statements()


def _collect(conn: Connection, ids: list[str], total: dict[FactKey, Addition]) -> int:
    contacts: dict[str, dict[str, Any]] = {}
    events: dict[str, list[dict[str, Any]]] = {}
    sl: dict[str, float] = {}
    for row in conn.execute(_HISTORIES, {"ids": ids}).mappings():
        contact_id = str(row["contact_id"])
        if contact_id not in contacts:
            contacts[contact_id] = {name: row[name] for name in _CONTACT}
            sl[str(row["queue_id"])] = float(row["sl_seconds"])
        events.setdefault(contact_id, []).append(
            {"action": row["action"], "at": row["at"], "agent_id": row["agent_id"],
             "data": row["data"]})
    offers: dict[str, list[OfferNote]] = {}
    for audit in conn.execute(_AUDITS, {"ids": ids}):
        reasons = audit.reasons or {}
        offers.setdefault(str(audit.contact_id), []).append(OfferNote(
            str(audit.agent_id), str(audit.queue_id), audit.outsourcer_id,
            str(reasons.get("overflow", "none")), str(reasons.get("telework", ""))))
    _complete_thresholds(conn, events, sl)
    outsourcer_of = _unaudited_agents(conn, events, offers)
    for contact_id, contact in contacts.items():
        found = contact_facts(contact, events[contact_id], offers.get(contact_id, []), sl,
                              outsourcer_of)
        for key, addition in found.items():
            if key in total:
                total[key].merge(addition)
            else:
                total[key] = addition
    return len(contacts)


def _complete_thresholds(conn: Connection, events: dict[str, list[dict[str, Any]]],
                         sl: dict[str, float]) -> None:
    """Thresholds of the queues a transferred contact left (its row names the last one)."""
    more = {str(data[key]) for rows in events.values() for row in rows
            if row["action"] == "transfer" and (data := row["data"] or {})
            for key in ("from_queue", "to_queue") if data.get(key)} - set(sl)
    if more:
        sl.update({str(i): float(s) for i, s in conn.execute(
            select(t.queues.c.id, t.queues.c.sl_seconds).where(t.queues.c.id.in_(more)))})


def _unaudited_agents(conn: Connection, events: dict[str, list[dict[str, Any]]],
                      offers: dict[str, list[OfferNote]]) -> dict[str, str]:
    """Outsourcer of agents that took or held a contact without an audited offer."""
    audited = {note.agent_id for notes in offers.values() for note in notes}
    agents = {str(row["agent_id"]) for rows in events.values() for row in rows
              if row["agent_id"] and row["action"] in ("offer", "accept")} - audited
    if not agents:
        return {}
    return {str(i): str(o) for i, o in conn.execute(
        select(t.agents.c.id, t.agents.c.outsourcer_id).where(t.agents.c.id.in_(agents)))}


_UPSERTS: dict[str, Insert] = {}


def _upsert(dialect: str) -> Insert | None:
    """``INSERT … ON CONFLICT DO UPDATE`` adding the counts and sums, built once per
    dialect; None where the dialect has none (then a read and a write)."""
    if dialect not in ("sqlite", "postgresql"):
        return None
    if dialect not in _UPSERTS:
        table = r.interval_facts
        stmt = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
        added = (*r.FACT_COUNTS, *r.FACT_SUMS)
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["interval_start", "queue_id", "outsourcer_id", "channel"],
            set_={name: getattr(table.c, name) + getattr(stmt.excluded, name)
                  for name in added})
    return _UPSERTS[dialect]


def _write(conn: Connection, total: dict[FactKey, Addition]) -> None:
    """Add each addition to its row: one upsert for all the plain rows, a read and a write
    for a row whose counts by destination or waiver must be merged (JSON)."""
    table = r.interval_facts
    f = table.c
    upsert = _upsert(conn.dialect.name)
    plain: list[dict[str, Any]] = []
    for (interval, queue, outsourcer, channel), add in sorted(total.items()):
        values: dict[str, Any] = {name: add.counts.get(name, 0) for name in r.FACT_COUNTS}
        values.update({name: add.sums.get(name, 0.0) for name in r.FACT_SUMS})
        key = {"interval_start": interval, "queue_id": queue, "outsourcer_id": outsourcer,
               "channel": channel}
        if upsert is not None and not (add.redirects or add.waivers):
            plain.append({**key, "client_id": add.client_id, **values})
            continue
        where = ((f.interval_start == interval) & (f.queue_id == queue)
                 & (f.outsourcer_id == outsourcer) & (f.channel == channel))
        row = conn.execute(select(table).where(where)).mappings().first()
        tallies = {"redirects": add.redirects, "waivers": add.waivers}
        if row is None:
            conn.execute(table.insert().values(
                **key, client_id=add.client_id, **values,
                **{name: dict(sorted(tally.items())) or None
                   for name, tally in tallies.items()}))
            continue
        changes: dict[str, Any] = {name: row[name] + value for name, value in values.items()}
        for name, tally in tallies.items():
            if tally:
                merged = dict(row[name] or {})
                for label, n in tally.items():
                    merged[label] = merged.get(label, 0) + n
                changes[name] = dict(sorted(merged.items()))
        conn.execute(table.update().where(where).values(**changes))
    if plain and upsert is not None:
        conn.execute(upsert, plain)

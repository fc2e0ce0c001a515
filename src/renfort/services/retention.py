"""The retention purge: personal data past its time (:class:`RetentionPolicy`) is erased,
in small transactions so that the live desk is never held up for long.

What goes, kind by kind (the count each run reports):

* ``contacts``: a finished contact's customer reference (→ ``[erased]``), its call id, the
  agent's free note after its disposition code, and the masked reference kept in its
  ``receive`` event. The contact row, its times, queue, state and disposition code stay:
  every figure (offered, answered, abandoned, service level, telework shares) is unchanged;
* ``messages``: the chat messages and e-mail bodies of finished contacts (deleted);
* ``conversations``: self-service transcripts (turns deleted, pseudonym erased; outcomes
  stay for the self-service report) and ``triage_questions``: the question text of the
  triage log (label and reason stay);
* ``agent_events``, ``checkins`` (closed ones), ``exposure_traces``: deleted;
* ``sessions``: expired ones, deleted (a session still valid is never touched);
* ``callbacks``: the number of a callback closed before the contacts' cutoff (→
  ``[erased]``); its attempts, outcome and times stay for the reports.

Nothing here decides who may purge: :mod:`renfort.services.privacy` does, and audits it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, delete, func, select, update

from renfort.domain.callbacks import same_number
from renfort.domain.contacts import FINAL_STATES
from renfort.domain.retention import ERASED_REF, ERASED_TEXT, RetentionPolicy, note_free
from renfort.store import knowledge_tables as k
from renfort.store import operations_tables as o
from renfort.store import sites_tables as st
from renfort.store import tables as t

log = logging.getLogger("renfort.retention")
CHUNK = 2000
"""Rows changed per transaction: short enough never to stall the desk's commits."""
Counts = dict[str, int]
COUNTED = ("contacts", "messages", "conversations", "triage_questions", "agent_events",
           "checkins", "exposure_traces", "sessions", "callbacks")
"""What a purge reports, in this order."""


def _finished_before(cutoff: float) -> ColumnElement[bool]:
    c = t.contacts.c
    return c.state.in_([str(s) for s in FINAL_STATES]) & \
        (func.coalesce(c.ended_at, c.created_at) < cutoff)


def erase_contacts(conn: Connection, ids: list[str]) -> None:
    """Erase what identifies the caller in these contacts; their figures stay."""
    c, e = t.contacts.c, t.contact_events.c
    conn.execute(update(t.contacts).where(c.id.in_(ids))
                 .values(customer_ref=ERASED_REF, external_ref=None))
    for contact_id, disposition in conn.execute(
            select(c.id, c.disposition).where(c.id.in_(ids))
            .where(c.disposition.contains(":"))):
        conn.execute(update(t.contacts).where(c.id == contact_id)
                     .values(disposition=note_free(disposition)))
    conn.execute(update(t.contact_events).where(e.contact_id.in_(ids))
                 .where(e.action == "receive").values(data=None))
    for event_id, data in conn.execute(select(e.id, e.data).where(e.contact_id.in_(ids))
                                       .where(e.action == "close")):
        if isinstance(data, dict) and ":" in str(data.get("disposition") or ""):
            conn.execute(update(t.contact_events).where(e.id == event_id).values(
                data={**data, "disposition": note_free(str(data["disposition"]))}))


def callbacks_of(conn: Connection, reference: str) -> list[dict[str, Any]]:
    """The callbacks whose number is this reference's (not yet erased)."""
    cb = o.callbacks.c
    rows = conn.execute(select(o.callbacks).where(cb.number != ERASED_REF)).mappings()
    return [dict(r) for r in rows if same_number(str(r["number"]), reference)]


def erase_callbacks(conn: Connection, ids: list[str]) -> None:
    conn.execute(update(o.callbacks).where(o.callbacks.c.id.in_(ids))
                 .values(number=ERASED_REF))


def erase_conversations(conn: Connection, ids: list[str]) -> int:
    """Erase these self-service conversations' transcripts; returns the triage questions
    erased with them."""
    conn.execute(delete(k.kb_turns).where(k.kb_turns.c.conversation_id.in_(ids)))
    conn.execute(update(k.kb_conversations).where(k.kb_conversations.c.id.in_(ids))
                 .values(customer_ref=ERASED_REF))
    d = k.kb_triage_decisions.c
    return int(conn.execute(update(k.kb_triage_decisions).where(d.conversation_id.in_(ids))
                            .where(d.question != ERASED_TEXT)
                            .values(question=ERASED_TEXT)).rowcount or 0)


def _deleter(table: Table, key: Any) -> Callable[[Connection, list[Any]], object]:
    def apply(conn: Connection, ids: list[Any]) -> object:
        return conn.execute(delete(table).where(key.in_(ids)))

    return apply


class Purge:
    """One purge run as of an instant: each kind counted (dry run) or erased."""

    def __init__(self, engine: Engine, policy: RetentionPolicy, as_of: float,
                 now: float) -> None:
        self._engine = engine
        self._policy = policy
        self._as_of = as_of
        self._now = now

    def run(self, *, dry_run: bool, done: Counts) -> Counts:
        """Counts per kind; ``done`` fills in as chunks commit (for an audit of a run that
        fails half-way)."""
        done.update(dict.fromkeys(COUNTED, 0))
        for kind, table, key, where in self._deletions():
            if dry_run:
                done[kind] = self._count(table, where)
            else:
                self._in_chunks(table, key, where, kind, done, _deleter(table, key))
        c = t.contacts.c
        contacts = _finished_before(self._policy.cutoff("contacts", self._as_of)) & \
            (c.customer_ref != ERASED_REF)
        kc = k.kb_conversations.c
        conversations = (kc.updated_at < self._policy.cutoff("transcripts", self._as_of)) & \
            (kc.customer_ref != ERASED_REF)
        d = k.kb_triage_decisions.c
        questions = (d.at < self._policy.cutoff("transcripts", self._as_of)) & \
            (d.question != ERASED_TEXT)
        cb = o.callbacks.c
        callbacks = cb.closed_at.is_not(None) & \
            (cb.closed_at < self._policy.cutoff("contacts", self._as_of)) & \
            (cb.number != ERASED_REF)
        if dry_run:
            done["callbacks"] = self._count(o.callbacks, callbacks)
            done["contacts"] = self._count(t.contacts, contacts)
            done["conversations"] = self._count(k.kb_conversations, conversations)
            done["triage_questions"] = self._count(k.kb_triage_decisions, questions)
            return done
        self._in_chunks(t.contacts, c.id, contacts, "contacts", done, erase_contacts)
        self._in_chunks(o.callbacks, cb.id, callbacks, "callbacks", done, erase_callbacks)

        def conversations_chunk(conn: Connection, ids: list[str]) -> None:
            done["triage_questions"] += erase_conversations(conn, ids)

        self._in_chunks(k.kb_conversations, kc.id, conversations, "conversations", done,
                        conversations_chunk)
        self._in_chunks(k.kb_triage_decisions, d.id, questions, "triage_questions", done,
                        lambda conn, ids: conn.execute(
                            update(k.kb_triage_decisions).where(d.id.in_(ids))
                            .values(question=ERASED_TEXT)))
        return done

    def _deletions(self) -> list[tuple[str, Table, Any, ColumnElement[bool]]]:
        p, as_of = self._policy, self._as_of
        m, ae, ci, tr, se = (t.messages.c, t.agent_events.c, st.site_checkins.c,
                             st.exposure_traces.c, t.sessions.c)
        finished = select(t.contacts.c.id).where(_finished_before(p.cutoff("messages", as_of)))
        expired = min(as_of, self._now) - p.sessions * 86_400.0
        return [
            ("messages", t.messages, m.id, m.contact_id.in_(finished)),
            ("agent_events", t.agent_events, ae.id, ae.at < p.cutoff("agent_events", as_of)),
            ("checkins", st.site_checkins, ci.id,
             ci.checked_out_at.is_not(None) & (ci.checked_out_at < p.cutoff("checkins", as_of))),
            ("exposure_traces", st.exposure_traces, tr.id,
             tr.at < p.cutoff("exposure_traces", as_of)),
            ("sessions", t.sessions, se.token_hash, se.expires_at < expired),
        ]

    def _count(self, table: Table, where: ColumnElement[bool]) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table).where(where))
                       .scalar_one())

    def _in_chunks(self, table: Table, key: Any, where: ColumnElement[bool], kind: str,
                   done: Counts, apply: Callable[[Connection, list[Any]], object]) -> None:
        while True:
            with self._engine.begin() as conn:
                ids = list(conn.execute(select(key).where(where).limit(CHUNK)).scalars())
                if not ids:
                    return
                apply(conn, ids)
            done[kind] += len(ids)
            if len(ids) < CHUNK:
                return


class DailyPurge:
    """Runs the purge once a day in the service, supervised: a failure is logged with its
    traceback and the next day's run happens all the same."""

    def __init__(self, run: Callable[[], object], *, interval: float = 86_400.0,
                 first_delay: float = 600.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._run = run
        self._interval = interval
        self._first_delay = first_delay
        self._sleep = sleep
        self.runs = 0
        """Runs that completed (for health checks and tests)."""

    async def forever(self) -> None:
        await self._sleep(self._first_delay)
        while True:
            try:
                await asyncio.to_thread(self._run)
                self.runs += 1
            except Exception:
                log.exception("the daily privacy purge failed; it runs again in %.0f s",
                              self._interval)
            await self._sleep(self._interval)

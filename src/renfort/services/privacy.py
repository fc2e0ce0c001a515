"""Privacy use cases for the platform's operator: the retention purge, and a customer's
rights of access (export) and erasure. Each run that touches personal data leaves a row in
the privacy audit: who, when, what, how many rows of each kind.

The audit keeps the *masked* customer reference of an export or erasure: it must prove the
request was honoured without keeping what was erased.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from renfort.domain.clock import Clock, to_iso
from renfort.domain.contacts import mask_customer_ref
from renfort.domain.errors import ValidationError
from renfort.domain.retention import ERASED_REF, RetentionPolicy
from renfort.services import access
from renfort.services.principals import Principal, Role
from renfort.services.retention import (
    Counts,
    Purge,
    callbacks_of,
    erase_callbacks,
    erase_contacts,
    erase_conversations,
)
from renfort.store import knowledge_tables as k
from renfort.store import privacy_tables as pt
from renfort.store import tables as t

SYSTEM = Principal(user_id="system", username="system", role=Role.ADMIN)
"""The service itself, for the daily purge."""
Data = dict[str, Any]


def _reference(customer_ref: str) -> str:
    ref = customer_ref.strip() if isinstance(customer_ref, str) else ""
    if not 1 <= len(ref) <= 200 or ref == ERASED_REF:
        raise ValidationError("customer_ref: 1–200 characters, as it was recorded",
                              {"field": "customer_ref"}, reason="customer-ref")
    return ref


class PrivacyService:
    def __init__(self, engine: Engine, clock: Clock, policy: RetentionPolicy) -> None:
        self._engine = engine
        self._clock = clock
        self.policy = policy

    def retention(self) -> Data:
        return {"days": self.policy.days()}

    def purge(self, who: Principal, *, as_of: float | None = None,
              dry_run: bool = False) -> Data:
        """Erase what is past its retention at ``as_of`` (default now); a dry run only
        counts. Audited unless it is a dry run."""
        access.require(who)
        now = self._clock.now()
        moment = now if as_of is None else as_of
        done: Counts = {}
        try:
            Purge(self._engine, self.policy, moment, now).run(dry_run=dry_run, done=done)
        finally:
            if not dry_run and done:
                self._audit(who, "purge", f"as of {to_iso(moment)}", done)
        return {"as_of": to_iso(moment), "dry_run": dry_run, "counts": done,
                "retention_days": self.policy.days()}

    def export(self, who: Principal, customer_ref: str) -> Data:
        """Everything stored about a customer reference (right of access), audited."""
        access.require(who)
        ref = _reference(customer_ref)
        c, e, m = t.contacts.c, t.contact_events.c, t.messages.c
        with self._engine.connect() as conn:
            queues = {str(i): str(s) for i, s in
                      conn.execute(select(t.queues.c.id, t.queues.c.slug))}
            clients = {str(i): str(s) for i, s in
                       conn.execute(select(t.clients.c.id, t.clients.c.slug))}
            contacts = []
            for row in conn.execute(select(t.contacts).where(c.customer_ref == ref)
                                    .order_by(c.seq)).mappings().all():
                events = conn.execute(select(e.action, e.from_state, e.to_state, e.at, e.data)
                                      .where(e.contact_id == row["id"]).order_by(e.id)).all()
                said = conn.execute(select(m.author, m.body, m.at)
                                    .where(m.contact_id == row["id"]).order_by(m.id)).all()
                contacts.append({
                    "id": row["id"], "client": clients.get(row["client_id"]),
                    "queue": queues.get(row["queue_id"]), "channel": row["channel"],
                    "state": row["state"], "customer_ref": row["customer_ref"],
                    "external_ref": row["external_ref"],
                    "created_at": to_iso(row["created_at"]),
                    "answered_at": to_iso(row["answered_at"]),
                    "ended_at": to_iso(row["ended_at"]), "disposition": row["disposition"],
                    "events": [{"action": a, "from": f, "to": to, "at": to_iso(at),
                                "data": data or {}} for a, f, to, at, data in events],
                    "messages": [{"author": a, "body": b, "at": to_iso(at)}
                                 for a, b, at in said]})
            conversations = []
            kc, kt = k.kb_conversations.c, k.kb_turns.c
            for row in conn.execute(select(k.kb_conversations).where(kc.customer_ref == ref)
                                    .order_by(kc.started_at)).mappings().all():
                turns = conn.execute(select(kt.author, kt.body, kt.at)
                                     .where(kt.conversation_id == row["id"])
                                     .order_by(kt.id)).all()
                conversations.append({
                    "id": row["id"], "client": clients.get(row["client_id"]),
                    "started_at": to_iso(row["started_at"]), "contact_id": row["contact_id"],
                    "turns": [{"author": a, "body": b, "at": to_iso(at)}
                              for a, b, at in turns]})
            callbacks = [{
                "id": r["id"], "number": r["number"], "origin": r["origin"],
                "state": r["state"], "outcome": r["outcome"], "attempts": r["attempts"],
                "window_start": to_iso(r["window_start"]), "window_end": to_iso(r["window_end"]),
                "created_at": to_iso(r["created_at"]), "closed_at": to_iso(r["closed_at"])}
                for r in callbacks_of(conn, ref)]
        counts = {"contacts": len(contacts),
                  "messages": sum(len(x["messages"]) for x in contacts),
                  "conversations": len(conversations), "callbacks": len(callbacks)}
        self._audit(who, "export", mask_customer_ref(ref), counts)
        return {"customer_ref": ref, "exported_at": to_iso(self._clock.now()),
                "contacts": contacts, "conversations": conversations, "callbacks": callbacks,
                "counts": counts}

    def erase(self, who: Principal, customer_ref: str) -> Data:
        """Erase a customer's personal data now (right to erasure), in one transaction,
        audited. Contacts stay as anonymous rows, so every figure is unchanged."""
        access.require(who)
        ref = _reference(customer_ref)
        c, kc = t.contacts.c, k.kb_conversations.c
        with self._engine.begin() as conn:
            contact_ids = list(conn.execute(select(c.id).where(c.customer_ref == ref))
                               .scalars())
            messages = 0
            if contact_ids:
                messages = int(conn.execute(t.messages.delete().where(
                    t.messages.c.contact_id.in_(contact_ids))).rowcount or 0)
                erase_contacts(conn, contact_ids)
            conversation_ids = list(conn.execute(select(kc.id).where(kc.customer_ref == ref))
                                    .scalars())
            questions = erase_conversations(conn, conversation_ids) if conversation_ids else 0
            callback_ids = [str(r["id"]) for r in callbacks_of(conn, ref)]
            if callback_ids:
                erase_callbacks(conn, callback_ids)
            counts = {"contacts": len(contact_ids), "messages": messages,
                      "conversations": len(conversation_ids), "triage_questions": questions,
                      "callbacks": len(callback_ids)}
            self._write_audit(conn, who, "erase", mask_customer_ref(ref), counts)
        return {"customer_ref": mask_customer_ref(ref), "counts": counts}

    def audit(self, who: Principal, limit: int = 100) -> list[Data]:
        access.require(who)
        a = pt.privacy_audit.c
        with self._engine.connect() as conn:
            rows = conn.execute(select(pt.privacy_audit).order_by(a.at.desc(), a.id.desc())
                                .limit(limit)).mappings().all()
        return [{"at": to_iso(r["at"]), "actor": r["actor"], "action": r["action"],
                 "subject": r["subject"], "counts": r["counts"]} for r in rows]

    def _audit(self, who: Principal, action: str, subject: str, counts: Counts) -> None:
        with self._engine.begin() as conn:
            self._write_audit(conn, who, action, subject, counts)

    def _write_audit(self, conn: Connection, who: Principal, action: str, subject: str,
                     counts: Counts) -> None:
        conn.execute(insert(pt.privacy_audit).values(
            at=self._clock.now(), actor=who.username[:100], action=action,
            subject=subject[:200], counts=dict(counts)))

"""Safety use cases: the per-client redirect directory and the flags raised for supervisors.

**Directory.** Readers of a client's knowledge base read its directory (the entries in
force, each with its version); its knowledge editors and admins edit it. Every edit of an
entry is a new version, in force from ``valid_from`` (default now, never in the past); the
history stays. The chat, the agents' redirects and the triage endpoint read the entries in
force at the instant they decide (:meth:`RedirectDirectory.entries`).

**Flags.** Every message redirected by the assistant and every redirect made by an agent
raises a flag for the supervisors of the client's queues (and the client, and admins):
listed on the supervisor wall until someone acknowledges it, announced live as
``safety.flagged``. The text is stored with phone numbers and e-mails masked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from renfort.domain.clock import Clock, to_iso, to_seconds
from renfort.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from renfort.knowledge import redirects as r
from renfort.knowledge.text import mask_personal
from renfort.knowledge.triage import Decision
from renfort.services import commands as c
from renfort.services import knowledge_access as access
from renfort.services.desk import Desk
from renfort.services.desk_view import ContactView
from renfort.services.events import LiveEvent, safety_acknowledged, safety_flagged
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import safety_tables as s
from renfort.store import tables as t

Data = dict[str, Any]
FLAG_READERS = (Role.ADMIN, Role.SUPERVISOR, Role.OUTSOURCER_MANAGER, Role.CLIENT_VIEWER)
FLAG_ORIGINS = ("self_service", "held_contact", "agent")
"""Who raised a flag: the assistant for a citizen still with it (or waiting in a queue); the
assistant for a citizen an agent is talking to (the agent is alerted); an agent's redirect."""


def _entry(row: Any) -> r.Entry:
    numbers = tuple(r.Number(n["label"], n["number"], n.get("kind", "tel"))
                    for n in row["numbers"])
    return r.Entry(row["key"], row["label"], numbers, row["hours"], row["message"],
                   row["source"], row["version"], row["valid_from"], row["created_by"])


def _entry_out(entry: r.Entry) -> Data:
    out = entry.as_dict()
    out["valid_from"] = to_iso(entry.valid_from)
    return out


class RedirectDirectory:
    """Where each client sends what the line must not answer."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def _versions(self, conn: Connection, client_id: str, key: str | None = None
                  ) -> list[r.Entry]:
        query = select(s.redirect_entries).where(s.redirect_entries.c.client_id == client_id)
        if key is not None:
            query = query.where(s.redirect_entries.c.key == key)
        rows = conn.execute(query.order_by(s.redirect_entries.c.key,
                                           s.redirect_entries.c.version)).mappings()
        return [_entry(row) for row in rows]

    def entries(self, client_id: str, conn: Connection | None = None) -> dict[str, r.Entry]:
        """The entries in force now for a client (defaults where it has none)."""
        now = self._clock.now()
        if conn is None:
            with self._engine.connect() as own:
                versions = self._versions(own, client_id)
        else:
            versions = self._versions(conn, client_id)
        return {key: r.in_force(versions, key, now) for key in r.KEYS}

    def in_force(self, who: Principal, client: str) -> list[Data]:
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            return [_entry_out(e) for e in self.entries(client_id, conn).values()]

    def history(self, who: Principal, client: str, key: str) -> list[Data]:
        r.check_key(key)
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            versions = self._versions(conn, client_id, key)
        return [_entry_out(r.DEFAULTS[key])] + [_entry_out(v) for v in versions]

    def overview(self, who: Principal, client: str) -> Data:
        """What the directory page shows: the client, and per entry the version in force
        with the whole history (each version ``in_force``, ``scheduled`` — its
        ``valid_from`` is still to come and no newer version started before it — or
        ``superseded``), and whether ``who`` may publish."""
        now = self._clock.now()
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            row = conn.execute(select(t.clients.c.slug, t.clients.c.name)
                               .where(t.clients.c.id == client_id)).one()
            versions = self._versions(conn, client_id)
            try:
                access.editable_base(conn, who, client_id)
                editable = True
            except PermissionDeniedError:
                editable = False
        entries = []
        for key in r.KEYS:
            current = r.in_force(versions, key, now)
            history = []
            for version in [r.DEFAULTS[key]] + [v for v in versions if v.key == key]:
                out = _entry_out(version)
                # a later start counts only above the version in force: the latest
                # version that has started wins (knowledge.redirects.in_force)
                out["status"] = ("in_force" if version.version == current.version
                                 else "scheduled" if (version.valid_from or 0) > now
                                 and version.version > current.version
                                 else "superseded")
                history.append(out)
            entries.append({**_entry_out(current), "history": history[::-1]})
        return {"client": {"id": client_id, "slug": row.slug, "name": row.name},
                "entries": entries, "editable": editable}

    def edit(self, who: Principal, client: str, key: str, data: Data,
             valid_from: datetime | None = None) -> Data:
        """A new version of one entry (the previous ones stay in the history). Refused
        input raises one :class:`ValidationError` naming its first problem, with every
        problem (entry and ``valid_from``) in ``details["problems"]``; nothing is stored."""
        found, entry = r.problems(key, data)
        now = self._clock.now()
        start = now if valid_from is None else to_seconds(valid_from)
        if start < now - 1.0:
            found.append(r.Problem("valid_from", "past", "valid_from cannot be in the past"))
        if found:
            raise ValidationError(found[0].text, {**found[0].details(),
                                                  "problems": [p.details() for p in found]})
        assert entry is not None
        with self._engine.begin() as conn:
            client_id = access.editable_base(conn, who, client)
            top = conn.execute(select(func.max(s.redirect_entries.c.version))
                               .where(s.redirect_entries.c.client_id == client_id)
                               .where(s.redirect_entries.c.key == key)).scalar_one_or_none()
            version = int(top or 0) + 1
            conn.execute(insert(s.redirect_entries).values(
                client_id=client_id, key=key, version=version, valid_from=start,
                created_at=now, created_by=who.username, **r.entry_to(entry)))
        return _entry_out(r.Entry(key, entry.label, entry.numbers, entry.hours, entry.message,
                                  entry.source, version, start, who.username))


class SafetyFlags:
    """Flags for supervisors: raised in the caller's transaction, announced after it."""

    def __init__(self, engine: Engine, clock: Clock,
                 announce: Callable[[list[LiveEvent]], None]) -> None:
        """``announce`` hands live events to every process's streams, from any thread."""
        self._engine = engine
        self._clock = clock
        self._announce = announce

    def raise_flag(self, conn: Connection, *, client_id: str, origin: str, raised_by: str,
                   key: str, label: str, rule: str | None, text: str,
                   conversation_id: str | None = None, contact_id: str | None = None
                   ) -> LiveEvent:
        """Store a flag; returns the live event to publish once the transaction commits."""
        now = self._clock.now()
        flag_id = conn.execute(insert(s.safety_flags).values(
            client_id=client_id, conversation_id=conversation_id, contact_id=contact_id,
            at=now, origin=origin, raised_by=raised_by[:100], key=key, label=label,
            rule=rule, text=mask_personal(text)[:2000])).inserted_primary_key
        return safety_flagged(flag=flag_id[0] if flag_id else None, key=key, label=label,
                              contact=contact_id, at=now, client_id=client_id,
                              outsourcer_ids=_serving(conn, client_id))

    def publish(self, event: LiveEvent) -> None:
        self._announce([event])

    def _clients(self, conn: Connection, who: Principal) -> set[str] | None:
        if who.role not in FLAG_READERS:
            raise PermissionDeniedError(f"role {who.role} cannot read safety flags", {},
                                        reason="role-cannot")
        if who.role is Role.ADMIN:
            return None
        if who.role is Role.CLIENT_VIEWER:
            return {who.client_id} if who.client_id else set()
        assert who.role in OUTSOURCER_ROLES
        rows = conn.execute(select(t.contracts.c.client_id)
                            .where(t.contracts.c.outsourcer_id == who.outsourcer_id))
        return {str(c) for c in rows.scalars()}

    def open_flags(self, who: Principal, limit: int = 100) -> list[Data]:
        """Flags not yet acknowledged, newest first, within the caller's clients. A flag on
        a contact names the agent holding it (``agent_id``; ``agent_name`` only for the
        admin and the agent's own outsourcer: no one else learns its agents' names)."""
        with self._engine.connect() as conn:
            clients = self._clients(conn, who)
            query = (select(s.safety_flags, t.clients.c.slug.label("client"),
                            t.contacts.c.agent_id.label("agent_id"),
                            t.agents.c.name.label("agent_name"),
                            t.agents.c.outsourcer_id.label("agent_outsourcer"))
                     .join(t.clients, t.clients.c.id == s.safety_flags.c.client_id)
                     .outerjoin(t.contacts, t.contacts.c.id == s.safety_flags.c.contact_id)
                     .outerjoin(t.agents, t.agents.c.id == t.contacts.c.agent_id)
                     .where(s.safety_flags.c.acknowledged_at.is_(None))
                     .order_by(s.safety_flags.c.id.desc()).limit(limit))
            if clients is not None:
                query = query.where(s.safety_flags.c.client_id.in_(sorted(clients)))
            rows = conn.execute(query).mappings().all()

        def agent_name(row: Any) -> str | None:
            if who.role is Role.ADMIN or (who.role in OUTSOURCER_ROLES
                                          and row["agent_outsourcer"] == who.outsourcer_id):
                return str(row["agent_name"]) if row["agent_name"] else None
            return None

        return [{"id": row["id"], "client": row["client"], "at": to_iso(row["at"]),
                 "origin": row["origin"], "raised_by": row["raised_by"], "key": row["key"],
                 "label": row["label"], "rule": row["rule"], "text": row["text"],
                 "contact_id": row["contact_id"], "conversation_id": row["conversation_id"],
                 "agent_id": row["agent_id"], "agent_name": agent_name(row)}
                for row in rows]

    def acknowledge(self, who: Principal, flag_id: int) -> Data:
        with self._engine.begin() as conn:
            clients = self._clients(conn, who)
            row = conn.execute(select(s.safety_flags.c.client_id, s.safety_flags.c.
                                      acknowledged_at)
                               .where(s.safety_flags.c.id == flag_id)).first()
            if row is None or (clients is not None and row[0] not in clients):
                raise NotFoundError("no such flag", {"flag": flag_id}, reason="flag-unknown")
            if row[1] is None:
                conn.execute(update(s.safety_flags).where(s.safety_flags.c.id == flag_id)
                             .values(acknowledged_at=self._clock.now(),
                                     acknowledged_by=who.username))
            event = safety_acknowledged(flag=flag_id, client_id=str(row[0]),
                                        outsourcer_ids=_serving(conn, str(row[0])))
        self._announce([event])
        return {"id": flag_id, "acknowledged": True}


def _serving(conn: Connection, client_id: str) -> frozenset[str]:
    """The outsourcers under contract with the client: their supervisors see its flags."""
    rows = conn.execute(select(t.contracts.c.outsourcer_id)
                        .where(t.contracts.c.client_id == client_id)).scalars()
    return frozenset(str(o) for o in rows)


LABEL_OF_KEY = {"medical_urgent": "medical_urgent", "suicide": "medical_urgent",
                "medical": "medical", "psychological": "psychological"}
"""The triage label an agent's choice of entry stands for (in the audit)."""
LEGACY_TARGETS = {"samu-15": "medical_urgent", "15": "medical_urgent", "3114": "suicide",
                  "medecin": "medical", "ecoute": "psychological"}


def entry_key(target: str) -> str:
    """A directory key from a key or a short target name (``samu-15``, ``medecin``…)."""
    return r.check_key(LEGACY_TARGETS.get(target, target))


class AgentRedirects:
    """An agent sends the contact they hold (accepted or in wrap-up) to a medical line."""

    def __init__(self, engine: Engine, desk: Desk, directory: RedirectDirectory,
                 flags: SafetyFlags, triage: Callable[[str], Decision],
                 wake: Callable[[], None]) -> None:
        self._engine = engine
        self._desk = desk
        self._directory = directory
        self._flags = flags
        self._triage = triage
        self._wake = wake

    async def redirect(self, who: Principal, contact_id: str, agent_id: str, target: str,
                       text: str | None, transfer: bool = True) -> Data:
        """The contact ends ``redirected`` to the client's entry ``target``; a call gets a
        warm-transfer request to the entry's first number; the redirect is audited on the
        contact and flagged for supervisors."""
        key = entry_key(target)
        heard = (text or "").strip()
        if len(heard) > 2000:
            raise ValidationError("text: at most 2000 characters", {"field": "text"},
                                  reason="text-too-long", values={"max": 2000})
        live = self._desk.live_contact(contact_id)
        if live is None:
            raise ConflictError("this contact is already finished", {"contact": contact_id},
                                reason="contact-finished")
        entry = (await asyncio.to_thread(self._directory.entries, live.client_id))[key]
        rule = "agent"
        if heard:
            decision = self._triage(heard)
            if r.key_for(str(decision.label), decision.rule) == key:
                rule = decision.rule or "model"
        label = LABEL_OF_KEY[key]
        number = entry.numbers[0].number
        contact: ContactView = await self._desk.execute(c.RedirectMedical(
            contact_id, who.username, agent_id, key, entry.target, number, label, rule,
            heard or entry.label, transfer))

        def flag() -> LiveEvent:
            with self._engine.begin() as conn:
                return self._flags.raise_flag(
                    conn, client_id=contact.client_id, origin="agent", raised_by=who.username,
                    key=key, label=label, rule=rule, text=heard or entry.label,
                    contact_id=contact_id)

        self._flags.publish(await asyncio.to_thread(flag))
        self._wake()
        return {"id": contact.id, "state": str(contact.state), "channel": str(contact.channel),
                "redirect": _entry_out(entry),
                "transfer_requested": bool(transfer and str(contact.channel) == "voice"
                                           and contact.external_ref)}

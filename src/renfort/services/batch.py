"""What commands write: new contacts, state changes, events, messages, presence.

One :class:`Batch` per command (and one for the routing that follows it); the writer merges
them into the batch of a group commit. ``touched_*`` name what changed in the desk's memory,
so that the read snapshot is refreshed for those only once the commit succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, update

from renfort.domain.contacts import FINAL_STATES
from renfort.services import facts
from renfort.services.events import LiveEvent
from renfort.store import operations_tables as o
from renfort.store import report_tables as r
from renfort.store import repository as repo
from renfort.store import safety_tables as s
from renfort.store import tables as t


@dataclass
class Batch:
    new_contacts: list[dict[str, Any]] = field(default_factory=list)
    contact_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    contact_events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    agent_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    agent_events: list[dict[str, Any]] = field(default_factory=list)
    published: list[LiveEvent] = field(default_factory=list)
    touched_contacts: set[str] = field(default_factory=set)
    touched_agents: set[str] = field(default_factory=set)
    touched_queues: set[str] = field(default_factory=set)
    config_changed: bool = False
    outbox: list[dict[str, Any]] = field(default_factory=list)
    """Events for integrations (services.outbound), committed with the change they tell."""
    audits: list[dict[str, Any]] = field(default_factory=list)
    """Why each offer of the batch went where it went (routing audit)."""
    new_callbacks: list[dict[str, Any]] = field(default_factory=list)
    callback_updates: dict[str, dict[str, Any]] = field(default_factory=dict)

    def update_contact(self, contact_id: str, **values: Any) -> None:
        self.contact_updates.setdefault(contact_id, {}).update(values)

    def update_callback(self, callback_id: str, **values: Any) -> None:
        self.callback_updates.setdefault(callback_id, {}).update(values)

    def merge(self, other: Batch) -> None:
        self.new_contacts.extend(other.new_contacts)
        for contact_id, values in other.contact_updates.items():
            self.update_contact(contact_id, **values)
        self.contact_events.extend(other.contact_events)
        self.messages.extend(other.messages)
        for agent_id, values in other.agent_updates.items():
            self.agent_updates.setdefault(agent_id, {}).update(values)
        self.agent_events.extend(other.agent_events)
        self.published.extend(other.published)
        self.touched_contacts |= other.touched_contacts
        self.touched_agents |= other.touched_agents
        self.touched_queues |= other.touched_queues
        self.config_changed = self.config_changed or other.config_changed
        self.outbox.extend(other.outbox)
        self.audits.extend(other.audits)
        self.new_callbacks.extend(other.new_callbacks)
        for callback_id, values in other.callback_updates.items():
            self.update_callback(callback_id, **values)

    def empty(self) -> bool:
        return not (self.new_contacts or self.contact_updates or self.contact_events
                    or self.messages or self.agent_updates or self.agent_events
                    or self.outbox or self.audits or self.new_callbacks
                    or self.callback_updates)

    def write(self, conn: Connection) -> None:
        """Write everything in the transaction (or savepoint) the caller opened."""
        updates = dict(self.contact_updates)
        inserts = []
        for row in self.new_contacts:
            # A contact born in this batch is inserted with its latest values: one INSERT
            # instead of an INSERT and UPDATEs.
            changes = updates.pop(row["id"], None)
            inserts.append({**row, **changes} if changes else row)
        for group in _by_columns(inserts):
            repo.insert_many(conn, t.contacts, group)
        _update_by_id(conn, t.contacts, updates)
        repo.insert_many(conn, t.contact_events, self.contact_events)
        repo.insert_many(conn, t.messages, self.messages)
        _update_by_id(conn, t.agents, self.agent_updates)
        repo.insert_many(conn, t.agent_events, self.agent_events)
        repo.insert_many(conn, s.outbox, self.outbox)
        callback_updates = dict(self.callback_updates)
        born = []
        for row in self.new_callbacks:
            changes = callback_updates.pop(row["id"], None)
            born.append({**row, **changes} if changes else row)
        repo.insert_many(conn, o.callbacks, born)
        _update_by_id(conn, o.callbacks, callback_updates)
        repo.insert_many(conn, r.offer_audit, self.audits)
        finished = [e["contact_id"] for e in self.contact_events if e["to_state"] in _FINAL]
        if finished:
            facts.add_finished(conn, finished)


_FINAL = frozenset(str(s) for s in FINAL_STATES)


def _by_columns(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


def _update_by_id(conn: Connection, table: Table, changes: dict[str, dict[str, Any]]) -> None:
    # Group rows by the set of columns they change so each group is one executemany.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    for columns, rows in groups.items():
        stmt = update(table).where(table.c.id == bindparam("_id")).values(
            {c: bindparam(c) for c in columns})
        conn.execute(stmt, rows)

"""Who may read and edit which knowledge base (one base per client).

* ``admin``: every base, read and write;
* ``knowledge_editor``: the base of their client (``numero-vert`` for the hotline's
  editors), read, write and publish; an editor is always bound to one client;
* ``client_viewer``: their client's base, read only, history and drafts included;
* ``outsourcer_manager``, ``supervisor``, ``agent``: the bases of the clients whose queues
  their outsourcer serves (a contract), in-force versions only, ``agents_only`` included;
* ``integration``: its client's base, or every base for an unbound key, in force only;
* the public (no login) reaches only the self-service conversation, which only ever
  reads ``public`` articles in force.

A base the caller may not read behaves as if it did not exist (404).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from renfort.domain.errors import NotFoundError, PermissionDeniedError
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import repository as repo
from renfort.store import tables as t

HISTORY_ROLES = frozenset({Role.ADMIN, Role.KNOWLEDGE_EDITOR, Role.CLIENT_VIEWER})
"""Roles that see drafts, archived articles and every version of the bases they read."""


def client_id_of(conn: Connection, client: str) -> str:
    """A client's id from its slug or id; unknown clients are 404."""
    found = repo.find_id(conn, t.clients, client)
    if found is None:
        raise NotFoundError(f"no knowledge base for {client!r}", {"field": "client"},
                            reason="kb-unknown")
    return found


def public_client_id(conn: Connection, client: str) -> str:
    """A client open to the anonymous self-service chat; any other client is 404 there, as
    if it did not exist."""
    row = conn.execute(select(t.clients.c.id, t.clients.c.public)
                       .where((t.clients.c.id == client) | (t.clients.c.slug == client))
                       ).first()
    if row is None or not row.public:
        raise NotFoundError(f"no public self-service for {client!r}", {"field": "client"},
                            reason="no-self-service")
    return str(row.id)


def readable_clients(conn: Connection, who: Principal) -> set[str] | None:
    """Ids of the clients whose base ``who`` may read; ``None`` means all."""
    if who.role is Role.ADMIN:
        return None
    if who.role in (Role.KNOWLEDGE_EDITOR, Role.CLIENT_VIEWER):
        return {who.client_id} if who.client_id else set()
    if who.role in OUTSOURCER_ROLES or who.role is Role.AGENT:
        rows = conn.execute(select(t.contracts.c.client_id)
                            .where(t.contracts.c.outsourcer_id == who.outsourcer_id))
        return {str(c) for c in rows.scalars()}
    if who.role is Role.INTEGRATION and who.client_id:
        return {who.client_id}
    if who.role is Role.INTEGRATION:
        return None
    return set()


def readable_base(conn: Connection, who: Principal, client: str) -> str:
    """The id of ``client``'s base if ``who`` may read it; 404 otherwise."""
    client_id = client_id_of(conn, client)
    allowed = readable_clients(conn, who)
    if allowed is not None and client_id not in allowed:
        raise NotFoundError(f"no knowledge base for {client!r}", {"field": "client"},
                            reason="kb-unknown")
    return client_id


def editable_base(conn: Connection, who: Principal, client: str) -> str:
    """The id of ``client``'s base if ``who`` may edit and publish in it."""
    client_id = readable_base(conn, who, client)
    if who.role is Role.ADMIN:
        return client_id
    if who.role is Role.KNOWLEDGE_EDITOR and who.client_id == client_id:
        return client_id
    raise PermissionDeniedError(f"role {who.role} cannot edit this knowledge base", {},
                                reason="kb-not-editable")


def sees_history(who: Principal) -> bool:
    return who.role in HISTORY_ROLES


def default_base(conn: Connection, who: Principal) -> str:
    """The base a search goes to when none is named: the caller's client, else the hotline."""
    if who.client_id:
        return who.client_id
    return client_id_of(conn, "numero-vert")

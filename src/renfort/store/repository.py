"""Repository functions over a SQLAlchemy connection: configuration, contacts, read models.

Every function takes an open ``Connection`` inside a transaction chosen by the caller, so one
use case is one unit of work (commit or roll back as a whole).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from renfort.domain.ids import QueueId
from renfort.domain.model import Agent, Client, Contract, Outsourcer, Queue, Site, Waiver
from renfort.store import mappers
from renfort.store import tables as t


@dataclass(frozen=True)
class FederationConfig:
    """Everything the router needs to know about the federation, as domain objects."""

    outsourcers: tuple[Outsourcer, ...]
    clients: tuple[Client, ...]
    queues: tuple[Queue, ...]
    contracts: tuple[Contract, ...]
    sites: tuple[Site, ...]
    agents: tuple[Agent, ...]
    waivers: tuple[Waiver, ...]


def upsert(conn: Connection, table: Table, row: dict[str, Any]) -> None:
    """Insert ``row`` or update the row with the same ``id``."""
    changed = conn.execute(update(table).where(table.c.id == row["id"]).values(**row))
    if changed.rowcount == 0:
        conn.execute(insert(table).values(**row))


def load_contracts(conn: Connection) -> tuple[Contract, ...]:
    links: dict[str, set[QueueId]] = {}
    for contract_id, queue_id in conn.execute(select(t.contract_queues)):
        links.setdefault(contract_id, set()).add(QueueId(queue_id))
    return tuple(
        mappers.contract_from(row, frozenset(links.get(row["id"], set())))
        for row in conn.execute(select(t.contracts).order_by(t.contracts.c.id)).mappings()
    )


def load_federation(conn: Connection) -> FederationConfig:
    def rows(table: Table) -> Sequence[Any]:
        return conn.execute(select(table).order_by(table.c.id)).mappings().all()

    return FederationConfig(
        outsourcers=tuple(mappers.outsourcer_from(r) for r in rows(t.outsourcers)),
        clients=tuple(mappers.client_from(r) for r in rows(t.clients)),
        queues=tuple(mappers.queue_from(r) for r in rows(t.queues)),
        contracts=load_contracts(conn),
        sites=tuple(mappers.site_from(r) for r in rows(t.sites)),
        agents=tuple(mappers.agent_from(r) for r in rows(t.agents)),
        waivers=tuple(mappers.waiver_from(r) for r in rows(t.waivers)),
    )


def save_outsourcer(conn: Connection, o: Outsourcer) -> None:
    upsert(conn, t.outsourcers, mappers.outsourcer_to(o))


def save_client(conn: Connection, c: Client) -> None:
    upsert(conn, t.clients, mappers.client_to(c))


def save_queue(conn: Connection, q: Queue) -> None:
    upsert(conn, t.queues, mappers.queue_to(q))


def save_site(conn: Connection, s: Site) -> None:
    upsert(conn, t.sites, mappers.site_to(s))


def save_agent(conn: Connection, a: Agent) -> None:
    upsert(conn, t.agents, mappers.agent_to(a))


def save_waiver(conn: Connection, w: Waiver) -> None:
    upsert(conn, t.waivers, mappers.waiver_to(w))


def save_contract(conn: Connection, c: Contract) -> None:
    upsert(conn, t.contracts, mappers.contract_to(c))
    conn.execute(delete(t.contract_queues).where(t.contract_queues.c.contract_id == c.id))
    if c.queue_ids:
        conn.execute(
            insert(t.contract_queues),
            [{"contract_id": c.id, "queue_id": q} for q in sorted(c.queue_ids)],
        )


def delete_by_id(conn: Connection, table: Table, entity_id: str) -> bool:
    return bool(conn.execute(delete(table).where(table.c.id == entity_id)).rowcount)


def get_row(conn: Connection, table: Table, entity_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c.id == entity_id)).mappings().first()
    return dict(row) if row else None


def find_id(conn: Connection, table: Table, ref: str) -> str | None:
    """The id of the row whose id or slug is ``ref``."""
    column = table.c.slug if "slug" in table.c else table.c.id
    found = conn.execute(
        select(table.c.id).where((table.c.id == ref) | (column == ref))
    ).scalar_one_or_none()
    return str(found) if found is not None else None


def count_rows(conn: Connection, table: Table, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    return int(conn.execute(query).scalar_one())


def queues_of_outsourcer(conn: Connection, outsourcer_id: str) -> set[str]:
    query = (
        select(t.contract_queues.c.queue_id)
        .join(t.contracts, t.contracts.c.id == t.contract_queues.c.contract_id)
        .where(t.contracts.c.outsourcer_id == outsourcer_id)
    )
    return {str(q) for q in conn.execute(query).scalars()}


def max_contact_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(t.contacts.c.seq), 0))).scalar_one())


def insert_many(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    batch = list(rows)
    if batch:
        conn.execute(insert(table), batch)

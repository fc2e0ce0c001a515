"""The federation's reference data: outsourcers, clients, queues, contracts, sites, agents,
waivers and users — listed, created, replaced and deleted within the caller's tenant.

Each kind states who may read it (an SQL filter), who may write it, and how an input
becomes a validated domain object; the CRUD mechanics are shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Table, false, select, true
from sqlalchemy.exc import IntegrityError

from renfort.domain import bounds
from renfort.domain.clock import to_iso
from renfort.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
    new_id,
)
from renfort.domain.model import (
    Agent,
    BullseyeTier,
    Channel,
    Client,
    Contract,
    Outsourcer,
    Queue,
    Sector,
    Site,
    TeleworkRule,
    Waiver,
    WorkPlace,
)
from renfort.services import access
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import mappers
from renfort.store import repository as repo
from renfort.store import tables as t

Data = dict[str, Any]


def _ref(conn: Connection, table: Table, ref: Any, field: str) -> str:
    if not isinstance(ref, str) or not ref:
        raise ValidationError(f"{field} is required", {"field": field}, reason="field-missing")
    found = repo.find_id(conn, table, ref)
    if found is None:
        raise ValidationError(f"unknown {field} {ref!r}", {"field": field},
                              reason="reference-unknown", values={"ref": ref})
    return found


def _slug_of(conn: Connection, table: Table, entity_id: str | None) -> str | None:
    if entity_id is None:
        return None
    return conn.execute(select(table.c.slug).where(table.c.id == entity_id)).scalar_one_or_none()


def _enum(kind: Any, value: Any, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(v) for v in kind)
        raise ValidationError(f"{field}: {value!r} is not one of {allowed}",
                              {"field": field}, reason="value-not-allowed") from None


def _contracted_clients(conn: Connection, outsourcer_id: str | None) -> set[str]:
    rows = conn.execute(select(t.contracts.c.client_id)
                        .where(t.contracts.c.outsourcer_id == outsourcer_id))
    return {str(c) for c in rows.scalars()}


# ---------------------------------------------------------------------- read filters

def _outsourcers_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    c = t.outsourcers.c
    if who.role is Role.ADMIN:
        return true()
    if who.role is Role.CLIENT_VIEWER:
        rows = conn.execute(select(t.contracts.c.outsourcer_id)
                            .where(t.contracts.c.client_id == who.client_id))
        return c.id.in_({str(r) for r in rows.scalars()})
    if who.outsourcer_id:
        return c.id == who.outsourcer_id
    return false()


def _clients_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    c = t.clients.c
    if who.role is Role.ADMIN or (who.role is Role.INTEGRATION and not who.client_id):
        return true()
    if who.client_id:
        return c.id == who.client_id
    if who.outsourcer_id:
        return c.id.in_(_contracted_clients(conn, who.outsourcer_id))
    return false()


def _queues_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    visible = access.visible_queue_ids(conn, who)
    return true() if visible is None else t.queues.c.id.in_(visible)


def _contracts_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    c = t.contracts.c
    if who.role is Role.ADMIN:
        return true()
    if who.role is Role.CLIENT_VIEWER:
        return c.client_id == who.client_id
    if who.role in OUTSOURCER_ROLES:
        return c.outsourcer_id == who.outsourcer_id
    return false()


def _agents_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    if who.role is Role.AGENT:
        return t.agents.c.id == who.agent_id
    return access.outsourcer_filter(who, t.agents.c.outsourcer_id)


def _sites_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    if who.role is Role.AGENT:
        return t.sites.c.outsourcer_id == who.outsourcer_id
    return access.outsourcer_filter(who, t.sites.c.outsourcer_id)


def _waivers_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    c = t.waivers.c
    if who.role is Role.ADMIN:
        return true()
    if who.role is Role.CLIENT_VIEWER:
        return c.client_id == who.client_id
    if who.role in OUTSOURCER_ROLES:
        return c.client_id.in_(_contracted_clients(conn, who.outsourcer_id))
    return false()


def _users_read(conn: Connection, who: Principal) -> ColumnElement[bool]:
    if who.role is Role.OUTSOURCER_MANAGER:
        return t.users.c.outsourcer_id == who.outsourcer_id
    if who.role is Role.ADMIN:
        return true()
    return t.users.c.id == who.user_id


# ---------------------------------------------------------------------- write checks

def _admin_only(conn: Connection, who: Principal, row: Data) -> None:
    access.require(who, Role.ADMIN)


def _own_outsourcer(conn: Connection, who: Principal, row: Data) -> None:
    access.require(who, Role.OUTSOURCER_MANAGER)
    if who.role is not Role.ADMIN and row.get("outsourcer_id") != who.outsourcer_id:
        raise PermissionDeniedError("you can only manage your own outsourcer's data", {},
                                    reason="other-outsourcer-data")


def _users_write(conn: Connection, who: Principal, row: Data) -> None:
    if who.role is Role.ADMIN:
        return
    if (who.role is Role.OUTSOURCER_MANAGER and row.get("outsourcer_id") == who.outsourcer_id
            and row.get("role") in (Role.SUPERVISOR, Role.AGENT)):
        return
    raise PermissionDeniedError("you cannot manage this user", {}, reason="user-not-manageable")


def _own_client_waiver(conn: Connection, who: Principal, row: Data) -> None:
    access.require(who, Role.CLIENT_VIEWER)
    if who.role is not Role.ADMIN and row.get("client_id") != who.client_id:
        raise PermissionDeniedError("you can only manage your own client's waivers", {},
                                    reason="other-client-waiver")


# ---------------------------------------------------------------------- builders

def _few_queues(refs: list[str]) -> None:
    if len(refs) > bounds.MAX_QUEUES_PER_REFERENCE:
        raise ValidationError(f"queues: at most {bounds.MAX_QUEUES_PER_REFERENCE}",
                              {"field": "queues"},
                              reason="queues-max", values={"max": bounds.MAX_QUEUES_PER_REFERENCE})


def _build_outsourcer(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    return mappers.outsourcer_to(Outsourcer(OutsourcerId(entity_id), data["slug"], data["name"]))


def _build_client(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    sector = _enum(Sector, data["sector"], "sector")
    return mappers.client_to(Client(ClientId(entity_id), data["slug"], data["name"], sector,
                                    data.get("priority"), bool(data.get("public", False))))


def _build_queue(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    tiers = data.get("bullseye") or [[0, 1]]
    bounds.check_seconds(data["sl_seconds"], "sl_seconds")
    bounds.check_seconds(data.get("overflow_after_seconds"), "overflow_after_seconds",
                         zero=True)
    for after, _ in tiers:
        bounds.check_seconds(float(after), "bullseye", zero=True)
    queue = Queue(
        id=QueueId(entity_id), slug=data["slug"],
        client_id=ClientId(_ref(conn, t.clients, data.get("client"), "client")),
        name=data["name"],
        channels=frozenset(_enum(Channel, c, "channels") for c in data["channels"]),
        skill=data["skill"], sl_target=data["sl_target"], sl_seconds=data["sl_seconds"],
        overflow_after_seconds=data.get("overflow_after_seconds"),
        telework=_enum(TeleworkRule, data["telework"], "telework"),
        bullseye=tuple(BullseyeTier(float(a), int(p)) for a, p in tiers),
        language=data.get("language") or None,
        public=bool(data.get("public", False)),
    )
    return mappers.queue_to(queue)


def _build_contract(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    client_id = _ref(conn, t.clients, data.get("client"), "client")
    _few_queues(data["queues"])
    bounds.check_seconds(data["sl_seconds"], "sl_seconds")
    queue_ids = frozenset(QueueId(_ref(conn, t.queues, q, "queues")) for q in data["queues"])
    for queue_id in queue_ids:
        row = repo.get_row(conn, t.queues, queue_id)
        if row is None or row["client_id"] != client_id:
            raise ValidationError("a contract covers queues of its own client only",
                                  {"field": "queues"}, reason="contract-other-client-queues")
    contract = Contract(
        ContractId(entity_id), ClientId(client_id),
        OutsourcerId(_ref(conn, t.outsourcers, data.get("outsourcer"), "outsourcer")),
        queue_ids, data["sl_target"], data["sl_seconds"], data["volume_share"],
    )
    return {**mappers.contract_to(contract), "queue_ids": sorted(queue_ids)}


def _build_site(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    outsourcer = _ref(conn, t.outsourcers, data.get("outsourcer") or who.outsourcer_id,
                      "outsourcer")
    site = Site(SiteId(entity_id), data["slug"], OutsourcerId(outsourcer), data["name"],
                data["seats"])
    return mappers.site_to(site)


def _build_agent(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    outsourcer = _ref(conn, t.outsourcers, data.get("outsourcer") or who.outsourcer_id,
                      "outsourcer")
    site_id = _ref(conn, t.sites, data["site"], "site") if data.get("site") else None
    if site_id is not None:
        site = repo.get_row(conn, t.sites, site_id)
        if site is None or site["outsourcer_id"] != outsourcer:
            raise ValidationError("the site belongs to another outsourcer", {"field": "site"},
                                  reason="site-other-outsourcer")
    capacity = data.get("capacity") or {"voice": 1, "chat": 3, "email": 2, "callback": 1}
    agent = Agent(
        id=AgentId(entity_id), outsourcer_id=OutsourcerId(outsourcer), name=data["name"],
        skills=dict(data["skills"]), languages=frozenset(data.get("languages") or ["fr"]),
        works_from=_enum(WorkPlace, data.get("works_from", "site"), "works_from"),
        site_id=SiteId(site_id) if site_id else None,
        capacity={_enum(Channel, k, "capacity"): int(v) for k, v in capacity.items()},
    )
    return mappers.agent_to(agent)


def _build_waiver(conn: Connection, who: Principal, data: Data, entity_id: str) -> Data:
    client_id = _ref(conn, t.clients, data.get("client") or who.client_id, "client")
    _few_queues(data["queues"])
    queue_ids = frozenset(QueueId(_ref(conn, t.queues, q, "queues")) for q in data["queues"])
    for queue_id in queue_ids:
        row = repo.get_row(conn, t.queues, queue_id)
        if row is None or row["client_id"] != client_id:
            raise ValidationError("a waiver covers queues of its own client only",
                                  {"field": "queues"}, reason="waiver-other-client-queues")
    valid_from: datetime = bounds.check_instant(data["valid_from"], "valid_from")
    valid_to: datetime = bounds.check_instant(data["valid_to"], "valid_to")
    waiver = Waiver(
        id=WaiverId(entity_id), client_id=ClientId(client_id), queue_ids=queue_ids,
        conditions=data["conditions"], valid_from=valid_from, valid_to=valid_to,
        accepted_by=data.get("accepted_by") or who.username,
        revocable=data.get("revocable", True),
    )
    return mappers.waiver_to(waiver)


# ---------------------------------------------------------------------- output shapes

def _out_plain(conn: Connection, row: Data) -> Data:
    return dict(row)


def _out_queue(conn: Connection, row: Data) -> Data:
    return {**row, "client": _slug_of(conn, t.clients, row["client_id"])}


def _out_contract(conn: Connection, row: Data) -> Data:
    queues = conn.execute(select(t.contract_queues.c.queue_id)
                          .where(t.contract_queues.c.contract_id == row["id"])
                          .order_by(t.contract_queues.c.queue_id))
    return {**row, "queue_ids": list(queues.scalars()),
            "client": _slug_of(conn, t.clients, row["client_id"]),
            "outsourcer": _slug_of(conn, t.outsourcers, row["outsourcer_id"])}


def _out_with_outsourcer(conn: Connection, row: Data) -> Data:
    return {**row, "outsourcer": _slug_of(conn, t.outsourcers, row["outsourcer_id"])}


def _out_waiver(conn: Connection, row: Data) -> Data:
    return {**row, "valid_from": to_iso(row["valid_from"]), "valid_to": to_iso(row["valid_to"]),
            "revoked_at": to_iso(row["revoked_at"]),
            "client": _slug_of(conn, t.clients, row["client_id"])}


def _out_user(conn: Connection, row: Data) -> Data:
    return {k: v for k, v in row.items() if k != "password_hash"} | {
        "created_at": to_iso(row["created_at"])}


@dataclass(frozen=True)
class Kind:
    name: str
    table: Table
    read: Callable[[Connection, Principal], ColumnElement[bool]]
    write: Callable[[Connection, Principal, Data], None]
    build: Callable[[Connection, Principal, Data, str], Data] | None
    out: Callable[[Connection, Data], Data]
    routing: bool
    """Whether a change must be pushed to the live router."""
    order: str = "id"


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("outsourcers", t.outsourcers, _outsourcers_read, _admin_only, _build_outsourcer,
         _out_plain, False, "slug"),
    Kind("clients", t.clients, _clients_read, _admin_only, _build_client, _out_plain, True,
         "slug"),
    Kind("queues", t.queues, _queues_read, _admin_only, _build_queue, _out_queue, True, "slug"),
    Kind("contracts", t.contracts, _contracts_read, _admin_only, _build_contract,
         _out_contract, True),
    Kind("sites", t.sites, _sites_read, _own_outsourcer, _build_site, _out_with_outsourcer,
         False, "slug"),
    Kind("agents", t.agents, _agents_read, _own_outsourcer, _build_agent,
         _out_with_outsourcer, True),
    Kind("waivers", t.waivers, _waivers_read, _own_client_waiver, _build_waiver, _out_waiver,
         True),
    Kind("users", t.users, _users_read, _users_write, None, _out_user, False, "username"),
)}


class Catalog:
    """CRUD over the kinds above; every call is one transaction within the caller's tenant."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self, kind: Kind, who: Principal) -> list[Data]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(kind.table).where(kind.read(conn, who))
                                .order_by(kind.table.c[kind.order])).mappings().all()
            return [kind.out(conn, dict(r)) for r in rows]

    def get(self, kind: Kind, who: Principal, ref: str) -> Data:
        with self._engine.connect() as conn:
            return kind.out(conn, self._visible(conn, kind, who, ref))

    @staticmethod
    def _visible(conn: Connection, kind: Kind, who: Principal, ref: str) -> Data:
        entity_id = repo.find_id(conn, kind.table, ref)
        row = None
        if entity_id is not None:
            row = conn.execute(select(kind.table).where(kind.table.c.id == entity_id)
                               .where(kind.read(conn, who))).mappings().first()
        if row is None:
            raise NotFoundError(f"no {kind.name[:-1]} {ref!r}", {"id": ref},
                                reason="entity-unknown")
        return dict(row)

    def save(self, kind: Kind, who: Principal, data: Data, ref: str | None = None) -> Data:
        """Create (``ref`` None) or replace an entity; validates before writing anything."""
        assert kind.build is not None
        try:
            with self._engine.begin() as conn:
                if ref is None:
                    entity_id = bounds.check_id(str(data.get("id") or new_id()))
                    if repo.get_row(conn, kind.table, entity_id) is not None:
                        raise ConflictError(f"{kind.name[:-1]} {entity_id!r} exists", {},
                                            reason="id-exists")
                else:
                    existing = self._visible(conn, kind, who, ref)
                    kind.write(conn, who, existing)
                    entity_id = existing["id"]
                row = kind.build(conn, who, data, entity_id)
                queue_ids = row.pop("queue_ids", None) if kind is KINDS["contracts"] else None
                kind.write(conn, who, row)
                repo.upsert(conn, kind.table, row)
                if queue_ids is not None:
                    repo.save_contract(conn, mappers.contract_from(
                        row, frozenset(QueueId(q) for q in queue_ids)))
                return kind.out(conn, repo.get_row(conn, kind.table, entity_id) or row)
        except IntegrityError as error:
            raise ConflictError(f"this {kind.name[:-1]} clashes with existing data "
                                "(duplicate slug or unknown reference)", {},
                                reason="duplicate") from error

    def delete(self, kind: Kind, who: Principal, ref: str) -> str:
        """Delete an entity within the caller's tenant; returns its id."""
        try:
            with self._engine.begin() as conn:
                row = self._visible(conn, kind, who, ref)
                kind.write(conn, who, row)
                if kind is KINDS["users"] and row["id"] == who.user_id:
                    raise ConflictError("you cannot delete yourself", {}, reason="delete-self")
                if kind is KINDS["users"]:
                    conn.execute(t.sessions.delete().where(t.sessions.c.user_id == row["id"]))
                repo.delete_by_id(conn, kind.table, row["id"])
                return str(row["id"])
        except IntegrityError as error:
            raise ConflictError(f"this {kind.name[:-1]} is still in use (contacts, agents, "
                                "contracts or users refer to it)", {},
                                reason="still-in-use") from error

    def revoke_waiver(self, who: Principal, ref: str, now: float) -> Data:
        kind = KINDS["waivers"]
        with self._engine.begin() as conn:
            row = self._visible(conn, kind, who, ref)
            kind.write(conn, who, row)
            if not row["revocable"]:
                raise ConflictError("this waiver was granted as not revocable", {},
                                    reason="waiver-not-revocable")
            if row["revoked_at"] is not None:
                raise ConflictError("this waiver is already revoked", {}, reason="waiver-revoked")
            conn.execute(t.waivers.update().where(t.waivers.c.id == row["id"])
                         .values(revoked_at=now))
            return kind.out(conn, {**row, "revoked_at": now})

    def check_role_change(self, who: Principal, ref: str, role: Role,
                          outsourcer: str | None, agent: str | None) -> str:
        """The id of the user ``who`` may move to ``role`` (their own tenant's users only,
        never themself); refused otherwise."""
        kind = KINDS["users"]
        with self._engine.connect() as conn:
            row = self._visible(conn, kind, who, ref)
            kind.write(conn, who, row)
        if row["id"] == who.user_id:
            raise ConflictError("you cannot change your own role", {}, reason="own-role")
        self.check_user_write(who, role, outsourcer, agent)
        return str(row["id"])

    def check_user_write(self, who: Principal, role: Role, outsourcer: str | None,
                         agent: str | None) -> None:
        """Admins create anyone; an outsourcer manager creates supervisors and agents of theirs."""
        if who.role is Role.ADMIN:
            return
        if who.role is not Role.OUTSOURCER_MANAGER or role not in (Role.SUPERVISOR, Role.AGENT):
            raise PermissionDeniedError("you cannot create users with this role", {},
                                        reason="role-not-grantable")
        with self._engine.connect() as conn:
            if role is Role.SUPERVISOR and repo.find_id(conn, t.outsourcers, outsourcer or "") \
                    != who.outsourcer_id:
                raise PermissionDeniedError("only users of your own outsourcer", {},
                                            reason="other-outsourcer-user")
            if role is Role.AGENT:
                row = repo.get_row(conn, t.agents, agent or "")
                if row is None or row["outsourcer_id"] != who.outsourcer_id:
                    raise PermissionDeniedError("only agents of your own outsourcer", {},
                                                reason="other-outsourcer-agent")


"""Use cases of home work: agents' home set-ups, and the per-client report of contacts
handled from home and under which waiver.

A change of set-up reaches the live desk through
:meth:`renfort.services.routing_config.RoutingConfig.set_home_setup`: an agent at home whose
set-up is not cleared cannot log in or be available, so gets no contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from renfort.domain.clock import Clock, to_datetime, to_iso, to_seconds
from renfort.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from renfort.domain.model import WorkPlace
from renfort.services import access
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.sites.telework import (
    ALLOWED_BASIS,
    NO_BASIS,
    REQUIREMENTS,
    HandledContact,
    HomeSetup,
    home_refusal,
    home_share,
)
from renfort.store import repository as repo
from renfort.store import sites_repository as srepo
from renfort.store import tables as t


class TeleworkService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    # ------------------------------------------------------------------ home set-ups

    def home_setup(self, who: Principal, agent_ref: str) -> dict[str, Any]:
        """An agent's set-up and whether they may take contacts where they work."""
        with self._engine.connect() as conn:
            agent = self._agent(conn, who, agent_ref)
            return self._setup_out(conn, agent)

    def list_home_setups(self, who: Principal) -> list[dict[str, Any]]:
        """Every home agent of the caller's outsourcer (all for admin) with their set-up."""
        access.require(who, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
        with self._engine.connect() as conn:
            query = select(t.agents).where(t.agents.c.works_from == str(WorkPlace.HOME))
            if who.role is not Role.ADMIN:
                query = query.where(t.agents.c.outsourcer_id == who.outsourcer_id)
            rows = conn.execute(query.order_by(t.agents.c.id)).mappings().all()
            return [self._setup_out(conn, dict(r)) for r in rows]

    def set_home_setup(self, who: Principal, agent_ref: str,
                       items: dict[str, bool]) -> dict[str, Any]:
        """Record what the agent has (missing keys keep their value, false at first)."""
        access.require(who, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
        unknown = set(items) - set(REQUIREMENTS)
        if unknown:
            raise ValidationError(f"unknown item {sorted(unknown)[0]!r}; items are "
                                  + ", ".join(REQUIREMENTS), {"field": "items"},
                                  reason="telework-item-unknown")
        with self._engine.begin() as conn:
            agent = self._agent(conn, who, agent_ref)
            current = srepo.home_setup(conn, agent["id"]) or HomeSetup(agent["id"])
            merged = {key: items.get(key, getattr(current, key)) for key in REQUIREMENTS}
            setup = HomeSetup(agent["id"], **merged)
            srepo.save_home_setup(conn, setup, self._clock.now(), who.username)
            return self._setup_out(conn, agent)

    @staticmethod
    def _agent(conn: Connection, who: Principal, agent_ref: str) -> dict[str, Any]:
        agent_id = who.agent_id if agent_ref == "me" and who.agent_id else agent_ref
        access.can_act_for_agent(conn, who, agent_id)
        row = repo.get_row(conn, t.agents, agent_id)
        assert row is not None
        return row

    @staticmethod
    def _setup_out(conn: Connection, agent: dict[str, Any]) -> dict[str, Any]:
        setup = srepo.home_setup(conn, agent["id"])
        place = WorkPlace(agent["works_from"])
        missing = home_refusal(place, setup) if place is WorkPlace.HOME else tuple(
            key for key in REQUIREMENTS if setup is None or not getattr(setup, key))
        return {
            "agent_id": agent["id"], "name": agent["name"], "works_from": str(place),
            "items": {key: bool(setup and getattr(setup, key)) for key in REQUIREMENTS},
            "missing": list(missing),
            "missing_labels": [REQUIREMENTS[m] for m in missing],
            "home_eligible": not missing,
            "can_take_contacts": place is WorkPlace.SITE or not missing,
        }

    # ------------------------------------------------------------------ report

    def home_report(self, who: Principal, client_ref: str, since: datetime | None = None,
                    until: datetime | None = None) -> dict[str, Any]:
        """Share of the client's contacts handled from home, per basis (queue policy or the
        waiver in force when the contact was answered), between ``since`` and ``until``.

        Client viewers see their own client; outsourcer staff see only the contacts their
        own agents handled for a client they serve; admins see everything.
        """
        start = to_seconds(since) if since else 0.0
        end = to_seconds(until) if until else self._clock.now() + 1.0
        if end <= start:
            raise ValidationError("until must be after since", {"field": "until"},
                                  reason="until-order")
        with self._engine.connect() as conn:
            client_id = self._readable_client(conn, who, client_ref)
            c = t.contacts.c
            query = (select(c.id, c.client_id, c.queue_id, c.answered_at, c.agent_id,
                            t.agents.c.works_from)
                     .join(t.agents, t.agents.c.id == c.agent_id)
                     .where(c.client_id == client_id).where(c.answered_at.is_not(None))
                     .where(c.answered_at >= start).where(c.answered_at < end))
            if who.role in OUTSOURCER_ROLES:
                query = query.where(t.agents.c.outsourcer_id == who.outsourcer_id)
            rows = conn.execute(query).mappings().all()
            places = self._accept_places(conn, [r["id"] for r in rows])
            fed = repo.load_federation(conn)
        queues = {str(q.id): q for q in fed.queues if q.client_id == client_id}
        waivers = [w for w in fed.waivers if w.client_id == client_id]
        handled = [HandledContact(r["client_id"], r["queue_id"], to_datetime(r["answered_at"]),
                                  WorkPlace(places.get(r["id"], r["works_from"])))
                   for r in rows]
        lines = home_share(handled, queues, waivers)
        line = lines[0] if lines else None
        by_waiver = {str(w.id): w for w in waivers}
        bases = []
        for basis, count in (line.by_basis.items() if line else ()):
            entry: dict[str, Any] = {"basis": basis, "contacts": count}
            if basis not in (ALLOWED_BASIS, NO_BASIS):
                waiver = by_waiver[basis]
                entry = {"basis": "waiver", "waiver_id": waiver.id, "contacts": count,
                         "conditions": waiver.conditions, "accepted_by": waiver.accepted_by,
                         "valid_from": waiver.valid_from.isoformat(),
                         "valid_to": waiver.valid_to.isoformat(),
                         "revoked_at": waiver.revoked_at.isoformat()
                         if waiver.revoked_at else None}
            bases.append(entry)
        return {
            "client": client_ref, "client_id": client_id, "since": to_iso(start),
            "until": to_iso(end), "handled": line.handled if line else 0,
            "from_home": line.from_home if line else 0,
            "home_share": round(line.home_share, 4) if line else 0.0,
            "by_basis": bases,
            "waivers": [{"id": w.id, "queue_ids": sorted(w.queue_ids),
                         "valid_from": w.valid_from.isoformat(),
                         "valid_to": w.valid_to.isoformat(),
                         "revoked_at": w.revoked_at.isoformat() if w.revoked_at else None,
                         "accepted_by": w.accepted_by} for w in waivers],
        }

    @staticmethod
    def _readable_client(conn: Connection, who: Principal, client_ref: str) -> str:
        client_id = repo.find_id(conn, t.clients, client_ref)
        if client_id is None:
            raise NotFoundError(f"no client {client_ref!r}", {"client": client_ref},
                                reason="client-unknown")
        if who.role is Role.ADMIN:
            return client_id
        if who.role is Role.CLIENT_VIEWER:
            if who.client_id != client_id:
                raise NotFoundError(f"no client {client_ref!r}", {"client": client_ref},
                                    reason="client-unknown")
            return client_id
        if who.role in OUTSOURCER_ROLES:
            served = conn.execute(select(t.contracts.c.id)
                                  .where(t.contracts.c.client_id == client_id)
                                  .where(t.contracts.c.outsourcer_id == who.outsourcer_id))
            if served.first() is None:
                raise NotFoundError(f"no client {client_ref!r}", {"client": client_ref},
                                    reason="client-unknown")
            return client_id
        raise PermissionDeniedError(f"role {who.role} cannot see this report", {},
                                    reason="role-cannot")

    @staticmethod
    def _accept_places(conn: Connection, contact_ids: list[str]) -> dict[str, str]:
        """Where the agent worked when they accepted each contact (the last acceptance),
        as recorded by the desk; contacts accepted before that record fall back to the
        agent's current place."""
        places: dict[str, str] = {}
        e = t.contact_events.c
        for start in range(0, len(contact_ids), 500):
            chunk = contact_ids[start:start + 500]
            rows = conn.execute(select(e.contact_id, e.data).where(e.action == "accept")
                                .where(e.contact_id.in_(chunk)).order_by(e.id))
            for contact_id, data in rows:
                if isinstance(data, dict) and data.get("place") in ("home", "site"):
                    places[str(contact_id)] = str(data["place"])
        return places

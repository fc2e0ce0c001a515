"""Use case: move a selection of agents home or back to their site in one request.

One transaction for the whole selection; each agent is checked alone
(:mod:`renfort.sites.moves`), so a refused agent stays put with a reason while the others
move. ``dry_run`` answers the same preview and writes nothing. The live desk reloads its
configuration afterwards through :class:`renfort.services.routing_config.RoutingConfig`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from renfort.domain.clock import Clock
from renfort.domain.errors import ValidationError
from renfort.domain.ids import SiteId
from renfort.domain.model import Agent, WorkPlace
from renfort.services import access
from renfort.services.principals import Principal, Role
from renfort.sites.moves import AgentMove, MovePlan, plan_moves
from renfort.sites.telework import REQUIREMENTS, HomeSetup
from renfort.store import repository as repo
from renfort.store import sites_repository as srepo
from renfort.store import tables as t

MAX_AGENTS = 2000
UNKNOWN = "unknown-agent"


class AgentMoves:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def move(self, who: Principal, agent_refs: list[str], to: WorkPlace,
             site_ref: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        access.require(who, Role.OUTSOURCER_MANAGER)
        if not agent_refs:
            raise ValidationError("select at least one agent", {"field": "agents"},
                                  reason="move-no-agent")
        if len(agent_refs) > MAX_AGENTS:
            raise ValidationError(f"at most {MAX_AGENTS} agents per move", {"field": "agents"},
                                  reason="move-too-many", values={"max": MAX_AGENTS})
        if len(set(agent_refs)) != len(agent_refs):
            raise ValidationError("an agent is listed twice", {"field": "agents"},
                                  reason="move-agent-twice")
        with self._engine.begin() as conn:
            fed = repo.load_federation(conn)
            mine = [a for a in fed.agents
                    if who.role is Role.ADMIN or a.outsourcer_id == who.outsourcer_id]
            by_id: dict[str, Agent] = {str(a.id): a for a in mine}
            site_id = self._site(conn, who, site_ref)
            selected = [by_id[ref] for ref in agent_refs if ref in by_id]
            if site_id is not None and any(
                    a.site_id is None and a.outsourcer_id != self._site_owner(conn, site_id)
                    for a in selected):
                raise ValidationError("the site belongs to another outsourcer",
                                      {"field": "site"}, reason="site-other-outsourcer")
            setups: dict[str, HomeSetup | None] = {
                str(a.id): srepo.home_setup(conn, a.id) for a in selected}
            plan = plan_moves(selected, to, population=mine, queues=fed.queues,
                              contracts=fed.contracts, waivers=fed.waivers, setups=setups,
                              now=self._clock.now(),
                              site_id=SiteId(site_id) if site_id else None)
            if not dry_run:
                self._apply(conn, plan, by_id, site_id)
            return self._out(plan, agent_refs, by_id, fed.queues, dry_run)

    @staticmethod
    def _site(conn: Connection, who: Principal, site_ref: str | None) -> str | None:
        if site_ref is None:
            return None
        site_id = repo.find_id(conn, t.sites, site_ref)
        row = repo.get_row(conn, t.sites, site_id) if site_id else None
        if row is None or (who.role is not Role.ADMIN
                           and row["outsourcer_id"] != who.outsourcer_id):
            raise ValidationError(f"unknown site {site_ref!r}", {"field": "site"},
                                  reason="site-unknown")
        return str(row["id"])

    @staticmethod
    def _site_owner(conn: Connection, site_id: str) -> str:
        return str(conn.execute(select(t.sites.c.outsourcer_id)
                                .where(t.sites.c.id == site_id)).scalar_one())

    @staticmethod
    def _apply(conn: Connection, plan: MovePlan, by_id: dict[str, Agent],
               site_id: str | None) -> None:
        for agent_id in plan.moved:
            values: dict[str, Any] = {"works_from": str(plan.to)}
            if plan.to is WorkPlace.SITE and by_id[agent_id].site_id is None:
                values["site_id"] = site_id
            conn.execute(t.agents.update().where(t.agents.c.id == agent_id).values(**values))

    @staticmethod
    def _out(plan: MovePlan, refs: list[str], by_id: dict[str, Agent],
             queues: Any, dry_run: bool) -> dict[str, Any]:
        slugs = {q.id: q.slug for q in queues}
        moves = {m.agent_id: m for m in plan.moves}
        agents = []
        for ref in refs:
            move = moves.get(ref) or AgentMove(ref, False, UNKNOWN, "unknown agent")
            agent = by_id.get(ref)
            agents.append({
                "agent_id": ref, "name": agent.name if agent else None,
                "moved": move.moved, "reason": move.reason, "detail": move.detail,
                "missing": [REQUIREMENTS[m] for m in move.missing],
                "queues_lost": [slugs.get(q, q) for q in move.queues_lost],
                "queues_gained": [slugs.get(q, q) for q in move.queues_gained],
            })
        return {
            "to": str(plan.to), "dry_run": dry_run,
            "moved": len(plan.moved), "refused": len(refs) - len(plan.moved),
            "agents": agents,
            "queues": [{"queue_id": e.queue_id, "queue": slugs.get(e.queue_id, e.queue_id),
                        "before": e.before, "after": e.after, "loses": e.loses}
                       for e in plan.queues],
        }

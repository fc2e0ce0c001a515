"""Use cases of briefings: made when a version is published as *briefing required*, read and
acknowledged by agents, followed by supervisors.

A briefing names the skills of the queues the article's topic feeds (its category, as the
self-service hand-off maps it) and says what changed in plain French. Until an agent holding
one of those skills acknowledges it, the desk keeps them from those queues' contacts
(:mod:`renfort.services.desk_briefings`). Every change here ends with the desk's reload.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from renfort.domain.clock import Clock, to_iso
from renfort.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from renfort.domain.ids import new_id
from renfort.knowledge.articles import Status, Version
from renfort.knowledge.briefing import plain_changes
from renfort.services import access
from renfort.services import knowledge_access as kaccess
from renfort.services.desk import Desk
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.services.self_service import HANDOFF_QUEUES
from renfort.store import knowledge_repository as kr
from renfort.store import operations_tables as o
from renfort.store import tables as t


def topic_skills(conn: Connection, client_id: str, category: str) -> frozenset[str]:
    """Skills of the client's queues that an article of ``category`` feeds."""
    queues = conn.execute(select(t.queues.c.slug, t.queues.c.skill)
                          .where(t.queues.c.client_id == client_id)).all()
    wanted = HANDOFF_QUEUES.get(category, "general")
    chosen = [skill for slug, skill in queues if wanted in slug] or \
        [skill for slug, skill in queues if "general" in slug] or \
        [skill for _, skill in queues]
    return frozenset(str(s) for s in chosen)


class BriefingService:
    def __init__(self, engine: Engine, clock: Clock, desk: Desk) -> None:
        self._engine = engine
        self._clock = clock
        self._desk = desk

    # ------------------------------------------------------------------ made at publication

    async def require(self, who: Principal, client: str, ref: str,
                      number: int) -> dict[str, Any]:
        """A briefing for version ``number`` of the article (just published)."""
        made = await asyncio.to_thread(self._make, who, client, ref, number)
        await self._desk.reload_config()
        return made

    def _make(self, who: Principal, client: str, ref: str, number: int) -> dict[str, Any]:
        with self._engine.begin() as conn:
            client_id = kaccess.editable_base(conn, who, client)
            article = kr.article(conn, client_id, ref)
            if article is None:
                raise NotFoundError(f"no article {ref!r}", {"id": ref}, reason="article-unknown")
            versions = kr.versions(conn, article)
            new = next((v for v in versions if v.number == number), None)
            if new is None or new.status is not Status.PUBLISHED:
                raise ConflictError("only a published version can require a briefing", {},
                                    reason="briefing-needs-published")
            previous = _previous(versions, new)
            row = {"id": new_id(), "client_id": client_id, "article_ref": ref,
                   "version": number, "title": new.content.question[:500],
                   "skills": sorted(topic_skills(conn, client_id, new.content.category)),
                   "changes": plain_changes(previous, new),
                   "created_at": self._clock.now(), "created_by": who.username}
            conn.execute(insert(o.briefings).values(**row))
            return _out(row)

    # ------------------------------------------------------------------ agents

    async def acknowledge(self, who: Principal, briefing_id: str) -> dict[str, Any]:
        """The agent read the briefing: the desk offers them its topic again."""
        if who.role is not Role.AGENT or who.agent_id is None:
            raise PermissionDeniedError("only the agent themself acknowledges a briefing", {},
                                        reason="briefing-not-yours")
        agent_id = who.agent_id
        done = await asyncio.to_thread(self._acknowledge, agent_id, briefing_id)
        await self._desk.reload_config()
        return done

    def _acknowledge(self, agent_id: str, briefing_id: str) -> dict[str, Any]:
        now = self._clock.now()
        with self._engine.begin() as conn:
            row = conn.execute(select(o.briefings).where(o.briefings.c.id == briefing_id)
                               ).mappings().first()
            skills = conn.execute(select(t.agents.c.skills).where(t.agents.c.id == agent_id)
                                  ).scalar_one_or_none() or {}
            if row is None or not set(row["skills"]) & set(skills):
                raise NotFoundError("unknown briefing", {"briefing": briefing_id},
                                    reason="briefing-unknown")
            try:
                with conn.begin_nested():
                    conn.execute(insert(o.briefing_acks).values(
                        briefing_id=briefing_id, agent_id=agent_id, acknowledged_at=now))
            except IntegrityError:
                raise ConflictError("this briefing is already acknowledged", {},
                                    reason="briefing-acknowledged") from None
        return {**_out(dict(row)), "acknowledged_at": to_iso(now)}

    def for_agent(self, agent_id: str) -> list[dict[str, Any]]:
        """The agent's briefings, unacknowledged first, newest first."""
        with self._engine.connect() as conn:
            skills = set(conn.execute(select(t.agents.c.skills).where(t.agents.c.id == agent_id)
                                      ).scalar_one_or_none() or {})
            acks = dict(conn.execute(select(o.briefing_acks.c.briefing_id,
                                            o.briefing_acks.c.acknowledged_at)
                                     .where(o.briefing_acks.c.agent_id == agent_id)).all())
            rows = conn.execute(select(o.briefings).order_by(o.briefings.c.created_at.desc())
                                ).mappings().all()
        items = [{**_out(dict(r)), "acknowledged_at": to_iso(acks.get(r["id"]))}
                 for r in rows if set(r["skills"]) & skills]
        return sorted(items, key=lambda b: b["acknowledged_at"] is not None)

    # ------------------------------------------------------------------ supervisors

    def list(self, who: Principal) -> list[dict[str, Any]]:
        if who.role is Role.AGENT and who.agent_id:
            return self.for_agent(who.agent_id)
        if who.role is Role.INTEGRATION:
            raise PermissionDeniedError("integrations do not read briefings", {},
                                        reason="role-cannot")
        with self._engine.connect() as conn:
            rows = conn.execute(select(o.briefings).order_by(o.briefings.c.created_at.desc())
                                ).mappings().all()
            out = []
            for row in rows:
                if not self._readable(conn, who, row["client_id"]):
                    continue
                status = self._status(conn, who, dict(row))
                out.append({**_out(dict(row)), "briefed": len(status["briefed"]),
                            "not_briefed": len(status["not_briefed"])})
            return out

    def get(self, who: Principal, briefing_id: str) -> dict[str, Any]:
        """The briefing, and (staff) which of their agents acknowledged it."""
        with self._engine.connect() as conn:
            row = conn.execute(select(o.briefings).where(o.briefings.c.id == briefing_id)
                               ).mappings().first()
            if row is None or not self._readable(conn, who, row["client_id"]):
                raise NotFoundError("unknown briefing", {"briefing": briefing_id},
                                    reason="briefing-unknown")
            return {**_out(dict(row)), **self._status(conn, who, dict(row))}

    @staticmethod
    def _readable(conn: Connection, who: Principal, client_id: str) -> bool:
        if who.role is Role.ADMIN:
            return True
        if who.role in (Role.CLIENT_VIEWER, Role.KNOWLEDGE_EDITOR):
            return who.client_id == client_id
        if who.role in OUTSOURCER_ROLES:
            served = conn.execute(select(t.contracts.c.id)
                                  .where(t.contracts.c.client_id == client_id)
                                  .where(t.contracts.c.outsourcer_id == who.outsourcer_id))
            return served.first() is not None
        return False

    @staticmethod
    def _status(conn: Connection, who: Principal, row: dict[str, Any]) -> dict[str, Any]:
        """Agents concerned (holding one of the skills) within the caller's outsourcer;
        client roles get counts only, no names."""
        skills = set(row["skills"])
        query = select(t.agents.c.id, t.agents.c.name, t.agents.c.skills) \
            .where(access.outsourcer_filter(who, t.agents.c.outsourcer_id)) \
            .order_by(t.agents.c.name, t.agents.c.id)
        acks = dict(conn.execute(select(o.briefing_acks.c.agent_id,
                                        o.briefing_acks.c.acknowledged_at)
                                 .where(o.briefing_acks.c.briefing_id == row["id"])).all())
        briefed: list[dict[str, Any]] = []
        waiting: list[dict[str, Any]] = []
        for agent_id, name, agent_skills in conn.execute(query):
            if not skills & set(agent_skills or {}):
                continue
            entry = {"agent_id": agent_id, "name": name,
                     "acknowledged_at": to_iso(acks.get(agent_id))}
            (briefed if agent_id in acks else waiting).append(entry)
        return {"briefed": briefed, "not_briefed": waiting}


def _previous(versions: list[Version], new: Version) -> Version | None:
    """The version published before ``new`` (what agents knew until now)."""
    earlier = [v for v in versions if v.number < new.number and v.published_at is not None]
    return earlier[-1] if earlier else None


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "client_id": row["client_id"], "article": row["article_ref"],
            "version": row["version"], "title": row["title"], "skills": list(row["skills"]),
            "changes": list(row["changes"]), "created_at": to_iso(row["created_at"]),
            "created_by": row["created_by"]}

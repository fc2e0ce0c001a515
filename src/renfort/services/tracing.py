"""Exposure tracing on a site, its log, and the retention of who-sat-where.

When an agent reports a positive test, the site's manager lists the colleagues who sat
within a given distance on overlapping stays (from check-ins and the seat plan). It is a
search over health-related personal data, so:

* only the manager of the site's outsourcer may run it or read its log (not an admin);
* every search is logged (who, when, for which agent, how many colleagues named), in the
  same transaction as the search, and the log is append-only;
* closed check-ins older than the retention period are deleted for good
  (:meth:`TracingService.purge_stays`), since no trace ever looks back further.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, select

from renfort.domain.clock import Clock, local_date, to_iso
from renfort.domain.errors import PermissionDeniedError, ValidationError
from renfort.domain.ids import new_id
from renfort.services import sites_access as access
from renfort.services.principals import Principal, Role
from renfort.services.sites import DAY, seat_plan
from renfort.sites.tracing import MAX_DAYS, check_window, exposed_colleagues
from renfort.store import sites_repository as srepo
from renfort.store import sites_tables as st
from renfort.store import tables as t

DEFAULT_RETENTION_DAYS = 30.0
"""Closed stays older than this are purged: a trace looks back at most MAX_DAYS."""


class TracingService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def exposure(self, who: Principal, ref: str, agent_ref: str, *, days: float = 14,
                 distance: float = 2.0) -> dict[str, Any]:
        """Colleagues who sat within ``distance`` metres of the agent on overlapping stays
        in the last ``days`` days. For the site's manager only; no medical detail."""
        check_window(days, distance)
        now = self._clock.now()
        with self._engine.begin() as conn:
            site = access.visible_site(conn, who, ref)
            access.require_tracing(who, site)
            agent = access.agent_for_site(conn, who, agent_ref, site)
            plan = seat_plan(conn, site)
            since = now - days * DAY
            stays = srepo.stays_between(conn, site["id"], since, now)
            found = exposed_colleagues(
                agent["id"], stays, {s.id: (s.x, s.y) for s in plan.seats},
                distance=distance, since=since, until=now)
            names = dict(conn.execute(select(t.agents.c.id, t.agents.c.name).where(
                t.agents.c.id.in_([c.agent_id for c in found]))).all())
            conn.execute(st.exposure_traces.insert().values(
                id=new_id(), site_id=site["id"], agent_id=agent["id"],
                requested_by=who.username, at=now, days=days, distance=distance,
                colleagues=len(found)))
        return {
            "site": site["slug"], "agent_id": agent["id"], "days": days,
            "distance": distance, "since": to_iso(since), "until": to_iso(now),
            "colleagues": [
                {"agent_id": c.agent_id, "name": names.get(c.agent_id),
                 "closest_metres": c.closest_metres,
                 "overlap_minutes": round(c.overlap_seconds / 60, 1),
                 "first_at": to_iso(c.first_at), "last_at": to_iso(c.last_at),
                 "seats": list(c.seats)} for c in found],
        }

    def traces(self, who: Principal, ref: str) -> list[dict[str, Any]]:
        """The log of the site's exposure searches, newest first (site manager only)."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            access.require_tracing(who, site)
            c = st.exposure_traces.c
            rows = conn.execute(
                select(st.exposure_traces, t.agents.c.name.label("agent_name"))
                .join(t.agents, t.agents.c.id == c.agent_id)
                .where(c.site_id == site["id"]).order_by(c.at.desc(), c.id)
            ).mappings().all()
        return [{"at": to_iso(r["at"]), "requested_by": r["requested_by"],
                 "agent_id": r["agent_id"], "agent_name": r["agent_name"], "days": r["days"],
                 "distance": r["distance"], "colleagues": r["colleagues"]} for r in rows]

    def counts(self, who: Principal, ref: str) -> dict[str, Any]:
        """How much exposure tracing was done on the site, per day, without any name: for
        the staff representatives and the manager."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            if who.role is not Role.STAFF_REP:
                access.require_tracing(who, site)
            c = st.exposure_traces.c
            rows = conn.execute(select(c.at, c.colleagues).where(c.site_id == site["id"])
                                .order_by(c.at)).all()
        days: dict[str, dict[str, int]] = {}
        for at, colleagues in rows:
            entry = days.setdefault(local_date(at).isoformat(), {"searches": 0, "named": 0})
            entry["searches"] += 1
            entry["named"] += int(colleagues)
        return {"site": site["slug"], "searches": len(rows),
                "colleagues_named": sum(int(n) for _, n in rows),
                "days": [{"day": d, **v} for d, v in sorted(days.items(), reverse=True)]}

    def purge_stays(self, who: Principal, *,
                    older_than_days: float = DEFAULT_RETENTION_DAYS) -> dict[str, Any]:
        """Delete every closed check-in that ended more than ``older_than_days`` ago
        (platform operator only). Open stays are kept whatever their age."""
        if who.role is not Role.ADMIN:
            raise PermissionDeniedError("purging check-ins is for the platform's operator", {},
                                        reason="purge-operator-only")
        if not MAX_DAYS <= older_than_days <= 3650:
            raise ValidationError(
                f"older_than_days: from {MAX_DAYS:g} (the longest trace window) to 3650",
                {"field": "older_than_days"})
        before = self._clock.now() - older_than_days * DAY
        c = st.site_checkins.c
        with self._engine.begin() as conn:
            deleted = conn.execute(delete(st.site_checkins).where(
                c.checked_out_at.is_not(None) & (c.checked_out_at < before))).rowcount
        return {"deleted": deleted, "before": to_iso(before)}

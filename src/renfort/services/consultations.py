"""Daily consultations of the staff representatives on a site's sanitary measures.

A consultation is dated by the server's clock (today, Paris time). A past day is accepted
only as a *late entry*, asked for explicitly and marked so in the register; a future day is
refused. The daily checklist says, for each of the last days, whether the site's
consultation was held; a day without one (before today) is *missed*, and the site's manager
sees it flagged. Exposure-search counts give the representatives how much tracing was done,
without any name.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from renfort.domain.clock import Clock, local_date, to_iso
from renfort.domain.errors import ValidationError
from renfort.domain.ids import new_id
from renfort.services import sites_access as access
from renfort.services.principals import Principal, Role
from renfort.sites.measures import Consultation
from renfort.store import sites_repository as srepo
from renfort.store import sites_tables as st

MAX_DAYS = 62


class ConsultationService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def record(self, who: Principal, site_ref: str, *, participants: list[str], minutes: str,
               opinion: str, held_on: date | None = None, late: bool = False
               ) -> dict[str, Any]:
        """The minutes and opinion of today's consultation (or a late entry for a past day)."""
        now = self._clock.now()
        today = local_date(now)
        day = held_on or today
        if day > today:
            raise ValidationError("a consultation cannot be recorded before it is held",
                                  {"field": "held_on"}, reason="consultation-future")
        if day < today and not late:
            raise ValidationError("a past day is recorded only as a late entry (late: true)",
                                  {"field": "late"}, reason="consultation-late")
        if day < today - timedelta(days=MAX_DAYS):
            raise ValidationError(f"late entries go back {MAX_DAYS} days at most",
                                  {"field": "held_on"},
                                  reason="consultation-too-late", values={"max": MAX_DAYS})
        if not minutes.strip() or not participants:
            raise ValidationError("give the participants and the minutes", {"field": "minutes"},
                                  reason="consultation-minutes")
        with self._engine.begin() as conn:
            site = access.visible_site(conn, who, site_ref)
            access.require_consultation(who, site)
            consultation_id = new_id()
            srepo.insert_consultation(
                conn, consultation_id, site["id"],
                Consultation(day, tuple(participants), opinion.strip() or "sans avis exprimé",
                             "procès-verbal de consultation"), now,
                who.username, late=day < today, minutes=minutes.strip())
        return {"id": consultation_id, "site": site["slug"], "held_on": day.isoformat(),
                "late": day < today, "recorded_at": to_iso(now), "recorded_by": who.username}

    def minutes(self, who: Principal, site_ref: str,
                limit: int = 60) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, site_ref)
            access.require_register(who, site)
            c = st.measure_consultations.c
            rows = conn.execute(select(st.measure_consultations).where(c.site_id == site["id"])
                                .order_by(c.held_on.desc(), c.recorded_at.desc())
                                .limit(limit)).mappings().all()
        return [{"id": r["id"], "held_on": str(r["held_on"]), "late": bool(r["late"]),
                 "participants": r["participants"], "minutes": r["minutes"],
                 "opinion": r["opinion"], "decision": r["decision"],
                 "recorded_at": to_iso(r["recorded_at"]), "recorded_by": r["recorded_by"]}
                for r in rows]

    def checklist(self, who: Principal, site_ref: str, days: int = 7) -> dict[str, Any]:
        """The last ``days`` days, today included: held or not; missed days before today."""
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError(f"days: 1 to {MAX_DAYS}", {"field": "days"},
                                  reason="days-range", values={"max": MAX_DAYS})
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, site_ref)
            access.require_register(who, site)
            return self._checklist(conn, site, days)

    def missed(self, who: Principal, days: int = 7) -> list[dict[str, Any]]:
        """Sites of the caller with a missed consultation in the last days (for managers)."""
        with self._engine.connect() as conn:
            sites = access.visible_sites(conn, who)
            out = []
            for site in sites:
                if who.role not in (Role.ADMIN, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR,
                                    Role.STAFF_REP):
                    continue
                listed = self._checklist(conn, site, days)
                if listed["missed"] or not listed["today_held"]:
                    out.append(listed)
            return out

    def _checklist(self, conn: Any, site: dict[str, Any], days: int) -> dict[str, Any]:
        today = local_date(self._clock.now())
        first = today - timedelta(days=days - 1)
        c = st.measure_consultations.c
        rows = conn.execute(select(c.held_on, c.late, func.count())
                            .where(c.site_id == site["id"]).where(c.held_on >= first)
                            .group_by(c.held_on, c.late)).all()
        started = conn.execute(select(func.min(c.held_on)).where(c.site_id == site["id"])
                               ).scalar_one_or_none()
        held: dict[date, dict[str, int]] = {}
        for day, late, count in rows:
            day = day if isinstance(day, date) else date.fromisoformat(str(day))
            entry = held.setdefault(day, {"on_time": 0, "late": 0})
            entry["late" if late else "on_time"] += int(count)
        started = started if started is None or isinstance(started, date) \
            else date.fromisoformat(str(started))
        out = []
        for offset in range(days):
            day = today - timedelta(days=offset)
            counts = held.get(day, {"on_time": 0, "late": 0})
            done = counts["on_time"] + counts["late"] > 0
            # Days before the site's first consultation were before the practice started.
            expected = started is not None and day >= started
            out.append({"day": day.isoformat(), "held": done, "late_entries": counts["late"],
                        "missed": expected and not done and day < today})
        return {"site": site["slug"], "name": site["name"], "today": today.isoformat(),
                "today_held": out[0]["held"],
                "missed": [d["day"] for d in out if d["missed"]], "days": out}

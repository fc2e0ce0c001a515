"""Use cases of the sanitary register: the guide, each site's measures, the consulted
history of their changes, and its CSV export for the works council and the inspectorate.

The history is append-only: recording a change inserts a consultation and one history row
per measure, in one transaction; nothing here updates or deletes a history row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from renfort.domain import bounds
from renfort.domain.clock import Clock, local_date, to_datetime, to_iso
from renfort.domain.errors import ValidationError
from renfort.domain.ids import new_id
from renfort.services import sites_access as access
from renfort.services.principals import Principal
from renfort.sites.measure_facts import SiteFacts, derive
from renfort.sites.measures import (
    STATUS_LABELS,
    Consultation,
    MeasureChange,
    MeasureStatus,
    register_csv,
    validate_changes,
)
from renfort.store import sites_repository as srepo


def _status(value: str) -> MeasureStatus:
    try:
        return MeasureStatus(value)
    except ValueError:
        raise ValidationError(f"status {value!r} is not one of "
                              + ", ".join(str(s) for s in MeasureStatus),
                              {"field": "status"}, reason="measure-status") from None


def _facts(conn: Connection, site_id: str) -> SiteFacts | None:
    """What the system knows of the site: the rule of its seat plan, who sits now."""
    dist = srepo.load_distancing(conn, site_id)
    if dist is None:
        return None
    return SiteFacts(dist["min_distance"], bool(dist["free_seat_between"]),
                     float(dist["cleaning_minutes"]),
                     len(srepo.open_checkins(conn, site_id=site_id)), int(dist["capacity"]))


class MeasureService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def guide(self, who: Principal) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            access.visible_sites(conn, who)  # same audience as the sites
            return [{"code": m.code, "category": m.category, "title": m.title,
                     "description": m.description} for m in srepo.guide(conn)]

    def register(self, who: Principal, site_ref: str) -> dict[str, Any]:
        """Every measure of the guide with its status on the site (``None``: not yet)."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, site_ref)
            current = srepo.site_measures(conn, site["id"])
            derived = derive(_facts(conn, site["id"]))
            measures = []
            for m in srepo.guide(conn):
                row = current.get(m.code)
                typed = MeasureStatus(row["status"]) if row else None
                fact = derived.get(m.code)
                status = fact.status if fact else typed
                measures.append({
                    "code": m.code, "category": m.category, "title": m.title,
                    "status": str(status) if status else None,
                    "status_label": STATUS_LABELS[status] if status else "non renseignée",
                    "source": "facts" if fact else "typed",
                    "because": fact.because if fact else None,
                    "typed_status": str(typed) if typed else None,
                    "contradicted": bool(fact and typed and typed is not fact.status),
                    "evidence": row["evidence"] if row else "",
                    "updated_at": to_iso(row["updated_at"]) if row else None,
                    "consultation_id": row["consultation_id"] if row else None})
            return {"site": site["slug"], "measures": measures}

    def record(self, who: Principal, site_ref: str, changes: list[dict[str, str]],
               consultation: dict[str, Any]) -> dict[str, Any]:
        """Record the changes decided after one consultation of the staff representatives.

        *changes*: ``{"measure": code, "status": status, "evidence": text}``;
        *consultation*: ``held_on`` (date), ``participants``, ``opinion``, ``decision``.
        """
        held_on = consultation.get("held_on")
        if not isinstance(held_on, date):
            raise ValidationError("held_on: the consultation's date", {"field": "held_on"},
                                  reason="held-on")
        bounds.check_day(held_on, "held_on")
        consulted = Consultation(held_on, tuple(consultation.get("participants") or ()),
                                 str(consultation.get("opinion") or ""),
                                 str(consultation.get("decision") or ""))
        now = self._clock.now()
        if held_on > local_date(now):
            raise ValidationError("a consultation cannot be recorded before it is held",
                                  {"field": "held_on"}, reason="consultation-future")
        with self._engine.begin() as conn:
            site = access.visible_site(conn, who, site_ref)
            access.require_manager(who, site)
            validate_changes((m.code for m in srepo.guide(conn)),
                             [c.get("measure", "") for c in changes])
            current = srepo.site_measures(conn, site["id"])
            consultation_id = new_id()
            srepo.insert_consultation(conn, consultation_id, site["id"], consulted, now,
                                      who.username, late=held_on < local_date(now))
            for change in changes:
                code = change["measure"]
                before = current.get(code)
                checked = MeasureChange(
                    site["slug"], code, MeasureStatus(before["status"]) if before else None,
                    _status(change.get("status", "")), change.get("evidence", "").strip(),
                    to_datetime(now), who.username, consulted)
                srepo.record_change(conn, site_id=site["id"], code=code,
                                    before=checked.before, after=checked.after,
                                    evidence=checked.evidence,
                                    consultation_id=consultation_id, at=now, by=who.username)
        return {"consultation_id": consultation_id, "site": site["slug"],
                "recorded": len(changes)}

    def history(self, who: Principal, site_ref: str) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, site_ref)
            access.require_register(who, site)
            return [{"id": r["id"], "site": r["site_slug"], "measure": r["measure_code"],
                     "status_before": r["status_before"], "status_after": r["status_after"],
                     "evidence": r["evidence"], "changed_at": to_iso(r["changed_at"]),
                     "changed_by": r["changed_by"], "consultation": {
                         "id": r["consultation_id"], "held_on": str(r["held_on"]),
                         "participants": r["participants"], "opinion": r["opinion"],
                         "decision": r["decision"]}}
                    for r in srepo.history(conn, [site["id"]])]

    def export_csv(self, who: Principal, site_ref: str | None = None) -> str:
        """The history of one site, or of every site the caller manages, as CSV."""
        with self._engine.connect() as conn:
            if site_ref is not None:
                sites = [access.visible_site(conn, who, site_ref)]
            else:
                sites = access.visible_sites(conn, who)
            for site in sites:
                access.require_register(who, site)
            rows = srepo.history(conn, [s["id"] for s in sites])
            titles = {m.code: m.title for m in srepo.guide(conn)}
        changes = [MeasureChange(
            r["site_slug"], r["measure_code"],
            MeasureStatus(r["status_before"]) if r["status_before"] else None,
            MeasureStatus(r["status_after"]), r["evidence"], to_datetime(r["changed_at"]),
            r["changed_by"], srepo.consultation_of(r)) for r in rows]
        return register_csv(changes, titles)

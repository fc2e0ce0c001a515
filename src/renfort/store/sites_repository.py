"""Repository functions for sites under distancing, over a caller's connection.

Like :mod:`renfort.store.repository`: each function takes an open ``Connection`` inside a
transaction chosen by the caller, and speaks in domain objects of :mod:`renfort.sites`
(or plain dicts for read models).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from renfort.domain.model import WorkPlace
from renfort.sites.distancing import CapacityResult, DistancingRule
from renfort.sites.layout import Seat, SeatPlan
from renfort.sites.measures import Consultation, Measure, MeasureStatus
from renfort.sites.occupancy import PlannedShift, Stay
from renfort.sites.telework import HomeSetup, home_refusal
from renfort.store import sites_tables as st
from renfort.store import tables as t

# ---------------------------------------------------------------------- seat plans


def load_plan(conn: Connection, site_id: str) -> SeatPlan | None:
    rows = conn.execute(select(st.site_seats).where(st.site_seats.c.site_id == site_id)
                        .order_by(st.site_seats.c.position)).mappings().all()
    if not rows:
        return None
    return SeatPlan(tuple(Seat(r["seat_id"], r["x"], r["y"], r["zone"],
                               frozenset(r["equipment"])) for r in rows))


def save_plan(conn: Connection, site_id: str, plan: SeatPlan) -> None:
    """Replace the site's seats, and its building seat count with the plan's."""
    conn.execute(delete(st.site_seats).where(st.site_seats.c.site_id == site_id))
    conn.execute(insert(st.site_seats), [
        {"site_id": site_id, "seat_id": s.id, "position": i, "x": s.x, "y": s.y,
         "zone": s.zone, "equipment": sorted(s.equipment)}
        for i, s in enumerate(plan.seats)])
    conn.execute(update(t.sites).where(t.sites.c.id == site_id).values(seats=len(plan)))


def load_distancing(conn: Connection, site_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(st.site_distancing)
                       .where(st.site_distancing.c.site_id == site_id)).mappings().first()
    return dict(row) if row else None


def rule_of(row: dict[str, Any]) -> DistancingRule:
    return DistancingRule(row["min_distance"], row["free_seat_between"])


def save_distancing(conn: Connection, site_id: str, rule: DistancingRule,
                    cleaning_minutes: float, result: CapacityResult, at: float,
                    by: str) -> None:
    values = {
        "min_distance": rule.min_distance, "free_seat_between": rule.free_seat_between,
        "cleaning_minutes": cleaning_minutes, "capacity": result.count,
        "usable": list(result.usable), "bound": result.bound, "optimal": result.optimal,
        "seconds": result.seconds, "method": result.method, "computed_at": at,
        "computed_by": by,
    }
    changed = conn.execute(update(st.site_distancing)
                           .where(st.site_distancing.c.site_id == site_id).values(**values))
    if changed.rowcount == 0:
        conn.execute(insert(st.site_distancing).values(site_id=site_id, **values))


# ---------------------------------------------------------------------- stays and shifts

def _stay(row: Any) -> Stay:
    return Stay(row["agent_id"], row["seat_id"], row["checked_in_at"], row["checked_out_at"])


def open_checkins(conn: Connection, *, site_id: str | None = None,
                  agent_id: str | None = None) -> list[dict[str, Any]]:
    c = st.site_checkins.c
    query = select(st.site_checkins).where(c.checked_out_at.is_(None))
    if site_id is not None:
        query = query.where(c.site_id == site_id)
    if agent_id is not None:
        query = query.where(c.agent_id == agent_id)
    return [dict(r) for r in conn.execute(query.order_by(c.checked_in_at, c.id)).mappings()]


def open_stays(conn: Connection, site_id: str, agent_id: str) -> list[Stay]:
    """Open stays on the site, plus the agent's open stay anywhere."""
    c = st.site_checkins.c
    rows = conn.execute(select(st.site_checkins).where(c.checked_out_at.is_(None))
                        .where(or_(c.site_id == site_id, c.agent_id == agent_id))).mappings()
    return [_stay(r) for r in rows]


def site_open_stays(conn: Connection, site_id: str) -> list[Stay]:
    return [_stay(r) for r in open_checkins(conn, site_id=site_id)]


def stays_between(conn: Connection, site_id: str, since: float, until: float) -> list[Stay]:
    c = st.site_checkins.c
    rows = conn.execute(
        select(st.site_checkins).where(c.site_id == site_id).where(c.checked_in_at < until)
        .where(or_(c.checked_out_at.is_(None), c.checked_out_at > since))
        .order_by(c.checked_in_at, c.id)).mappings()
    return [_stay(r) for r in rows]


def last_checkouts(conn: Connection, site_id: str,
                   seat_ids: Sequence[str] | None = None) -> dict[str, float]:
    c = st.site_checkins.c
    query = (select(c.seat_id, func.max(c.checked_out_at))
             .where(c.site_id == site_id).where(c.checked_out_at.is_not(None))
             .group_by(c.seat_id))
    if seat_ids is not None:
        query = query.where(c.seat_id.in_(seat_ids))
    return {str(seat): float(at) for seat, at in conn.execute(query)}


def insert_checkin(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(st.site_checkins).values(**row))


def close_checkin(conn: Connection, checkin_id: str, at: float, by: str) -> None:
    conn.execute(update(st.site_checkins).where(st.site_checkins.c.id == checkin_id)
                 .values(checked_out_at=at, checked_out_by=by))


def insert_shift(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(st.site_shifts).values(**row))


def shifts(conn: Connection, site_id: str) -> list[dict[str, Any]]:
    c = st.site_shifts.c
    return [dict(r) for r in conn.execute(select(st.site_shifts).where(c.site_id == site_id)
                                          .order_by(c.starts_at, c.id)).mappings()]


def planned_shifts(rows: Iterable[dict[str, Any]]) -> list[PlannedShift]:
    return [PlannedShift(r["id"], r["starts_at"], r["ends_at"], r["planned"]) for r in rows]


# ---------------------------------------------------------------------- home set-ups

def home_setup(conn: Connection, agent_id: str) -> HomeSetup | None:
    row = conn.execute(select(st.home_setups)
                       .where(st.home_setups.c.agent_id == agent_id)).mappings().first()
    if row is None:
        return None
    return HomeSetup(agent_id, row["managed_laptop"], row["vpn"], row["softphone"],
                     row["training_done"])


def save_home_setup(conn: Connection, setup: HomeSetup, at: float, by: str) -> None:
    values = {"managed_laptop": setup.managed_laptop, "vpn": setup.vpn,
              "softphone": setup.softphone, "training_done": setup.training_done,
              "updated_at": at, "updated_by": by}
    changed = conn.execute(update(st.home_setups)
                           .where(st.home_setups.c.agent_id == setup.agent_id).values(**values))
    if changed.rowcount == 0:
        conn.execute(insert(st.home_setups).values(agent_id=setup.agent_id, **values))


def home_blocked(conn: Connection) -> dict[str, tuple[str, ...]]:
    """Agents working from home whose set-up is not cleared → what they miss."""
    h = st.home_setups.c
    rows = conn.execute(
        select(t.agents.c.id, h.managed_laptop, h.vpn, h.softphone, h.training_done,
               h.agent_id.label("has_setup"))
        .select_from(t.agents.outerjoin(st.home_setups, h.agent_id == t.agents.c.id))
        .where(t.agents.c.works_from == str(WorkPlace.HOME))).mappings()
    blocked = {}
    for r in rows:
        setup = None if r["has_setup"] is None else HomeSetup(
            r["id"], r["managed_laptop"], r["vpn"], r["softphone"], r["training_done"])
        missing = home_refusal(WorkPlace.HOME, setup)
        if missing:
            blocked[str(r["id"])] = missing
    return blocked


# ---------------------------------------------------------------------- sanitary register

def save_guide(conn: Connection, guide: Iterable[Measure]) -> int:
    """Insert the guide's measures that are missing, update the others' texts."""
    count = 0
    for position, m in enumerate(guide):
        values = {"position": position, "category": m.category, "title": m.title,
                  "description": m.description}
        changed = conn.execute(update(st.sanitary_measures)
                               .where(st.sanitary_measures.c.code == m.code).values(**values))
        if changed.rowcount == 0:
            conn.execute(insert(st.sanitary_measures).values(code=m.code, **values))
        count += 1
    return count


def guide(conn: Connection) -> list[Measure]:
    rows = conn.execute(select(st.sanitary_measures)
                        .order_by(st.sanitary_measures.c.position)).mappings()
    return [Measure(r["code"], r["category"], r["title"], r["description"]) for r in rows]


def site_measures(conn: Connection, site_id: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute(select(st.site_measures)
                        .where(st.site_measures.c.site_id == site_id)).mappings()
    return {r["measure_code"]: dict(r) for r in rows}


def insert_consultation(conn: Connection, consultation_id: str, site_id: str,
                        consultation: Consultation, at: float, by: str, *, late: bool = False,
                        minutes: str = "") -> None:
    """``late``: recorded after the day it was held (a late entry, marked as such)."""
    conn.execute(insert(st.measure_consultations).values(
        id=consultation_id, site_id=site_id, held_on=consultation.held_on,
        participants=list(consultation.participants), opinion=consultation.opinion,
        decision=consultation.decision, recorded_at=at, recorded_by=by, late=late,
        minutes=minutes))


def consultation_of(row: Any) -> Consultation:
    held_on = row["held_on"]
    if not isinstance(held_on, date):
        held_on = date.fromisoformat(str(held_on))
    return Consultation(held_on, tuple(row["participants"]), row["opinion"], row["decision"])


def record_change(conn: Connection, *, site_id: str, code: str,
                  before: MeasureStatus | None, after: MeasureStatus, evidence: str,
                  consultation_id: str, at: float, by: str) -> None:
    """Append the change to the history and set the measure's current status."""
    conn.execute(insert(st.measure_changes).values(
        site_id=site_id, measure_code=code, status_before=str(before) if before else None,
        status_after=str(after), evidence=evidence, changed_at=at, changed_by=by,
        consultation_id=consultation_id))
    current = {"status": str(after), "evidence": evidence, "updated_at": at,
               "consultation_id": consultation_id}
    changed = conn.execute(update(st.site_measures).where(and_(
        st.site_measures.c.site_id == site_id, st.site_measures.c.measure_code == code))
        .values(**current))
    if changed.rowcount == 0:
        conn.execute(insert(st.site_measures).values(site_id=site_id, measure_code=code,
                                                     **current))


def history(conn: Connection, site_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Changes of the given sites with their consultation, oldest first."""
    ch, co = st.measure_changes.c, st.measure_consultations.c
    query = (select(st.measure_changes, co.held_on, co.participants, co.opinion,
                    co.decision, t.sites.c.slug.label("site_slug"))
             .join(st.measure_consultations, co.id == ch.consultation_id)
             .join(t.sites, t.sites.c.id == ch.site_id)
             .where(ch.site_id.in_(site_ids)).order_by(ch.changed_at, ch.id))
    return [dict(r) for r in conn.execute(query).mappings()]


def consultations(conn: Connection, site_id: str) -> list[dict[str, Any]]:
    co = st.measure_consultations.c
    return [dict(r) for r in conn.execute(
        select(st.measure_consultations).where(co.site_id == site_id)
        .order_by(co.held_on, co.recorded_at, co.id)).mappings()]

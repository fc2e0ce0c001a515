"""Use cases of sites under distancing: seat plans and capacity, planned shifts, check-in
and check-out, live occupancy (exposure tracing: :mod:`renfort.services.tracing`).

Each call is one transaction within the caller's tenant (:mod:`sites_access`). A capacity
is computed outside any transaction (the solver may take seconds), then stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from renfort.domain import bounds
from renfort.domain.clock import Clock, to_iso
from renfort.domain.errors import ConflictError, ValidationError
from renfort.domain.ids import new_id
from renfort.services import sites_access as access
from renfort.services.desk import Desk
from renfort.services.events import LiveEvent, site_occupancy_changed
from renfort.services.principals import Principal
from renfort.sites.distancing import DEFAULT_TIME_LIMIT, DistancingRule, usable_seats
from renfort.sites.layout import SeatPlan, parse_seats_csv
from renfort.sites.occupancy import (
    check_cleaning_minutes,
    check_in_allowed,
    occupancy,
    seat_ready_at,
    shifts_over,
)
from renfort.sites.svg import render_svg
from renfort.store import sites_repository as srepo
from renfort.store import tables as t

DEFAULT_RULE = DistancingRule(min_distance=1.5)
DEFAULT_CLEANING_MINUTES = 30.0
MAX_TIME_LIMIT = 60.0
DAY = 86_400.0


async def move_and_announce(desk: Desk, move: Callable[[], dict[str, Any]]
                            ) -> dict[str, Any]:
    """Run a check-in or check-out (``move``) off the event loop, then announce its live
    event to every process's streams; returns the stay."""
    stay = await asyncio.to_thread(move)
    await desk.announce([_stay_event(stay)])
    return stay


def _stay_event(stay: dict[str, Any]) -> LiveEvent:
    """A committed check-in or check-out, for the site's outsourcer and the agent."""
    return site_occupancy_changed(
        site=stay["site"], seat=stay["seat_id"], agent=stay["agent_id"],
        change="out" if stay["checked_out_at"] else "in", outsourcer_id=stay["outsourcer_id"])


def free_seat_ids(seats: list[dict[str, Any]]) -> list[str]:
    """Of :meth:`SiteService.seats`, those one can check in on now: usable, not taken,
    cleaned since the last stay."""
    return [s["seat_id"] for s in seats
            if s["usable"] and not s["occupied"] and not s["cleaning_until"]]


def seat_plan(conn: Connection, site: dict[str, Any]) -> SeatPlan:
    """The site's seat plan; refused while none was imported."""
    plan = srepo.load_plan(conn, site["id"])
    if plan is None:
        raise ConflictError("this site has no seat plan yet: import one first",
                            {"site": site["slug"]}, reason="no-seat-plan")
    return plan


@dataclass(frozen=True)
class RuleInput:
    """A distancing rule as asked for; ``None`` fields keep the site's current value."""

    min_distance: float | None = None
    free_seat_between: bool | None = None
    cleaning_minutes: float | None = None
    clear_min_distance: bool = False
    """Drop the distance rule (keep only one free seat between operators)."""


class SiteService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    # ------------------------------------------------------------------ reads

    def list_sites(self, who: Principal) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            return [self._summary(conn, site) for site in access.visible_sites(conn, who)]

    def _summary(self, conn: Connection, site: dict[str, Any]) -> dict[str, Any]:
        dist = srepo.load_distancing(conn, site["id"])
        stays = srepo.open_checkins(conn, site_id=site["id"])
        capacity = dist["capacity"] if dist else None
        return {"id": site["id"], "slug": site["slug"], "name": site["name"],
                "outsourcer_id": site["outsourcer_id"], "seats": site["seats"],
                "capacity": capacity, "occupied": len(stays),
                "alert": capacity is not None and len(stays) > capacity}

    def capacity(self, who: Principal, ref: str) -> dict[str, Any]:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            return self._capacity_out(conn, site)

    def _capacity_out(self, conn: Connection, site: dict[str, Any]) -> dict[str, Any]:
        dist = srepo.load_distancing(conn, site["id"])
        if dist is None:
            raise ConflictError("this site has no seat plan yet: import one first",
                                {"site": site["slug"]}, reason="no-seat-plan")
        bound = dist["bound"]
        over = shifts_over(srepo.planned_shifts(srepo.shifts(conn, site["id"])),
                           dist["capacity"])
        live = occupancy(dist["capacity"], dist["usable"],
                         srepo.site_open_stays(conn, site["id"]))
        return {
            "site": site["slug"], "seats": site["seats"],
            "rule": {"min_distance": dist["min_distance"],
                     "free_seat_between": dist["free_seat_between"],
                     "text": srepo.rule_of(dist).describe()},
            "cleaning_minutes": dist["cleaning_minutes"],
            "count": dist["capacity"], "usable_seats": dist["usable"], "bound": bound,
            "optimal": dist["optimal"],
            "gap": (bound - dist["capacity"]) / bound if bound else 0.0,
            "seconds": dist["seconds"], "method": dist["method"],
            "computed_at": to_iso(dist["computed_at"]), "computed_by": dist["computed_by"],
            "shifts_over_capacity": [
                {"id": s.id, "starts_at": to_iso(s.start), "ends_at": to_iso(s.end),
                 "planned": s.planned} for s in over],
            "occupancy": {"occupied": live.occupied, "over_capacity": live.over_capacity,
                          "on_blocked_seats": list(live.not_usable), "alert": live.alert},
        }

    def seats(self, who: Principal, ref: str) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            plan = seat_plan(conn, site)
            dist = srepo.load_distancing(conn, site["id"])
            usable = set(dist["usable"]) if dist else set()
            taken = {r["seat_id"] for r in srepo.open_checkins(conn, site_id=site["id"])}
            ready = seat_ready_at(srepo.last_checkouts(conn, site["id"]),
                                  60 * (dist["cleaning_minutes"] if dist else 0),
                                  self._clock.now())
            return [{"seat_id": s.id, "x": s.x, "y": s.y, "zone": s.zone,
                     "equipment": sorted(s.equipment), "usable": s.id in usable,
                     "occupied": s.id in taken, "cleaning_until": to_iso(ready.get(s.id))}
                    for s in plan.seats]

    def free_seats(self, who: Principal, ref: str) -> list[str]:
        return free_seat_ids(self.seats(who, ref))

    def plan_svg(self, who: Principal, ref: str) -> str:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            plan = seat_plan(conn, site)
            dist = srepo.load_distancing(conn, site["id"])
            taken = [r["seat_id"] for r in srepo.open_checkins(conn, site_id=site["id"])]
            title = f"{site['name']} – {dist['capacity'] if dist else '?'} postes utilisables"
            return render_svg(plan, dist["usable"] if dist else (), title=title,
                              occupied=taken,
                              min_distance=dist["min_distance"] if dist else None)

    # ------------------------------------------------------------------ plan and rule

    def import_plan(self, who: Principal, ref: str, csv_text: str, *,
                    time_limit: float = DEFAULT_TIME_LIMIT) -> dict[str, Any]:
        """Replace the site's seat plan and recompute its capacity under its current rule
        (1.5 m and 30 minutes of cleaning for a first plan)."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            access.require_manager(who, site)
            dist = srepo.load_distancing(conn, site["id"])
        plan = parse_seats_csv(csv_text)
        rule = srepo.rule_of(dist) if dist else DEFAULT_RULE
        cleaning = dist["cleaning_minutes"] if dist else DEFAULT_CLEANING_MINUTES
        return self._compute_and_store(who, site, plan, rule, cleaning, time_limit,
                                       new_plan=True)

    def set_rule(self, who: Principal, ref: str, change: RuleInput, *,
                 time_limit: float = DEFAULT_TIME_LIMIT) -> dict[str, Any]:
        """Change the distancing rule or the cleaning interval; recomputes the capacity and
        returns it with every planned shift and the occupancy above it."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            access.require_manager(who, site)
            plan = seat_plan(conn, site)
            dist = srepo.load_distancing(conn, site["id"])
        current = srepo.rule_of(dist) if dist else DEFAULT_RULE
        min_distance = current.min_distance if change.min_distance is None \
            else change.min_distance
        if change.clear_min_distance:
            min_distance = None
        rule = DistancingRule(
            min_distance=min_distance,
            free_seat_between=current.free_seat_between if change.free_seat_between is None
            else change.free_seat_between)
        cleaning = check_cleaning_minutes(
            change.cleaning_minutes if change.cleaning_minutes is not None
            else dist["cleaning_minutes"] if dist else DEFAULT_CLEANING_MINUTES)
        return self._compute_and_store(who, site, plan, rule, cleaning, time_limit,
                                       new_plan=False)

    def _compute_and_store(self, who: Principal, site: dict[str, Any], plan: SeatPlan,
                           rule: DistancingRule, cleaning: float, time_limit: float, *,
                           new_plan: bool) -> dict[str, Any]:
        if not 0 <= time_limit <= MAX_TIME_LIMIT:
            raise ValidationError(f"time_limit: 0 to {MAX_TIME_LIMIT:g} seconds",
                                  {"field": "time_limit"},
                                  reason="seat-time-limit", values={"max": MAX_TIME_LIMIT})
        result = usable_seats(plan, rule, time_limit=time_limit)
        with self._engine.begin() as conn:
            if new_plan:
                ids = {s.id for s in plan.seats}
                lost = [r["seat_id"] for r in srepo.open_checkins(conn, site_id=site["id"])
                        if r["seat_id"] not in ids]
                if lost:
                    raise ConflictError("agents are checked in on seats the new plan drops",
                                        {"seats": lost}, reason="plan-drops-seats")
                srepo.save_plan(conn, site["id"], plan)
            srepo.save_distancing(conn, site["id"], rule, cleaning, result,
                                  self._clock.now(), who.username)
            site = {**site, "seats": len(plan)}
            return self._capacity_out(conn, site)

    # ------------------------------------------------------------------ shifts

    def add_shift(self, who: Principal, ref: str, *, label: str, starts_at: float,
                  ends_at: float, planned: int) -> dict[str, Any]:
        bounds.check_posix(starts_at, "starts_at")
        bounds.check_posix(ends_at, "ends_at")
        if ends_at <= starts_at:
            raise ValidationError("a shift ends after it starts", {"field": "ends_at"},
                                  reason="shift-order")
        if not 0 <= planned <= 10_000:
            raise ValidationError("planned: 0 to 10000 agents", {"field": "planned"},
                                  reason="planned-range")
        if not 1 <= len(label.strip()) <= 100:
            raise ValidationError("label: 1–100 characters", {"field": "label"},
                                  reason="label-length")
        with self._engine.begin() as conn:
            site = access.visible_site(conn, who, ref)
            access.require_staff(who, site)
            row = {"id": new_id(), "site_id": site["id"], "label": label.strip(),
                   "starts_at": starts_at, "ends_at": ends_at, "planned": planned,
                   "created_by": who.username}
            srepo.insert_shift(conn, row)
            return self._shift_out(conn, site, row)

    def shifts(self, who: Principal, ref: str) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            return [self._shift_out(conn, site, r) for r in srepo.shifts(conn, site["id"])]

    @staticmethod
    def _shift_out(conn: Connection, site: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        dist = srepo.load_distancing(conn, site["id"])
        capacity = dist["capacity"] if dist else None
        return {"id": row["id"], "site": site["slug"], "label": row["label"],
                "starts_at": to_iso(row["starts_at"]), "ends_at": to_iso(row["ends_at"]),
                "planned": row["planned"], "capacity": capacity,
                "over_capacity": capacity is not None and row["planned"] > capacity}

    # ------------------------------------------------------------------ occupancy

    def check_in(self, who: Principal, ref: str, agent_ref: str, seat_id: str) -> dict[str, Any]:
        """Seat an agent on a usable, free and cleaned seat of the site."""
        now = self._clock.now()
        try:
            with self._engine.begin() as conn:
                site = access.visible_site(conn, who, ref)
                agent = access.agent_for_site(conn, who, agent_ref, site)
                plan = seat_plan(conn, site)
                dist = srepo.load_distancing(conn, site["id"])
                assert dist is not None  # a plan always has its distancing row
                check_in_allowed(
                    seat_id=seat_id, agent_id=agent["id"], seats={s.id for s in plan.seats},
                    usable=set(dist["usable"]),
                    open_stays=srepo.open_stays(conn, site["id"], agent["id"]),
                    last_checkout=srepo.last_checkouts(conn, site["id"], [seat_id])
                    .get(seat_id),
                    cleaning_seconds=60 * dist["cleaning_minutes"],
                    capacity=dist["capacity"], now=now)
                row = {"id": new_id(), "site_id": site["id"], "seat_id": seat_id,
                       "agent_id": agent["id"], "checked_in_at": now, "checked_out_at": None,
                       "checked_in_by": who.username, "checked_out_by": None}
                srepo.insert_checkin(conn, row)
                return {**self._stay_out(site, row), "outsourcer_id": site["outsourcer_id"]}
        except IntegrityError as error:
            raise ConflictError("the seat or the agent was just taken by another check-in",
                                {"seat": seat_id}, reason="seat-just-taken") from error

    def check_out(self, who: Principal, ref: str, agent_ref: str) -> dict[str, Any]:
        now = self._clock.now()
        with self._engine.begin() as conn:
            site = access.visible_site(conn, who, ref)
            agent = access.agent_for_site(conn, who, agent_ref, site)
            rows = srepo.open_checkins(conn, site_id=site["id"], agent_id=agent["id"])
            if not rows:
                raise ConflictError("the agent is not checked in on this site",
                                    {"agent": agent["id"]}, reason="not-checked-in")
            srepo.close_checkin(conn, rows[0]["id"], now, who.username)
            return {**self._stay_out(site, {**rows[0], "checked_out_at": now,
                                            "checked_out_by": who.username}),
                    "outsourcer_id": site["outsourcer_id"]}

    @staticmethod
    def _stay_out(site: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        return {"id": row["id"], "site": site["slug"], "seat_id": row["seat_id"],
                "agent_id": row["agent_id"], "checked_in_at": to_iso(row["checked_in_at"]),
                "checked_out_at": to_iso(row["checked_out_at"])}

    def occupancy(self, who: Principal, ref: str) -> dict[str, Any]:
        """Who sits where now, against the capacity; ``alert`` when the site is over it."""
        with self._engine.connect() as conn:
            site = access.visible_site(conn, who, ref)
            dist = srepo.load_distancing(conn, site["id"])
            if dist is None:
                raise ConflictError("this site has no seat plan yet: import one first", {},
                                    reason="no-seat-plan")
            rows = srepo.open_checkins(conn, site_id=site["id"])
            live = occupancy(dist["capacity"], dist["usable"],
                             srepo.site_open_stays(conn, site["id"]))
            names = dict(conn.execute(select(t.agents.c.id, t.agents.c.name).where(
                t.agents.c.id.in_([r["agent_id"] for r in rows]))).all())
            cleaning = seat_ready_at(srepo.last_checkouts(conn, site["id"]),
                                     60 * dist["cleaning_minutes"], self._clock.now())
            return {
                "site": site["slug"], "capacity": live.capacity, "occupied": live.occupied,
                "free": live.free, "over_capacity": live.over_capacity,
                "on_blocked_seats": list(live.not_usable), "alert": live.alert,
                "stays": [{**self._stay_out(site, r), "agent_name": names.get(r["agent_id"])}
                          for r in rows],
                "seats_in_cleaning": {s: to_iso(at) for s, at in cleaning.items()},
            }

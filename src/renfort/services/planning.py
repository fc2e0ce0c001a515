"""Use cases of the planning chain: forecast, backtest, schedule, replay on the federation.

The first three are pure computations on the files given (any planner may run them); the
schedule may take its seats from the federation's sites, and the replay its agents, queues,
contracts and waivers, within the caller's tenant:

* ``admin``: the whole federation;
* ``outsourcer_manager``, ``supervisor``: their outsourcer's sites and agents, and the
  queues it holds a contract for (another outsourcer's site or queue is unknown to them);
* other roles: no site, no replay (403).

Heavy libraries (OR-Tools, SciPy, ``holidays``) are imported by the planning modules when a
computation needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import Connection, Engine

from renfort.domain.clock import Clock, to_datetime
from renfort.domain.errors import PermissionDeniedError, ValidationError
from renfort.domain.model import TeleworkRule, WorkPlace
from renfort.planning.files import parse_forecast_cells, parse_requirements_csv, parse_shifts_csv
from renfort.planning.replay import Federation, Replay, replay_scenario
from renfort.planning.schedule import (
    DEFAULT_SITE,
    HOME,
    Schedule,
    ScheduleRequest,
    SiteCapacity,
    StaffGroup,
    schedule,
)
from renfort.planning.shift_rules import ShiftRules, parse_rules
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.services.simulations import run_simulation
from renfort.simulation.scenario import parse_scenario
from renfort.store import repository as repo
from renfort.store import sites_repository as srepo

PLANNERS = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR, Role.CLIENT_VIEWER)
FEDERATION_ROLES = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)
MAX_REPLAY_WORK = 1_000_000.0
"""Expected calls × replications of one replay (as ``POST /simulations``)."""


def rules_from_text(text: str | None) -> ShiftRules:
    """Shift rules from a YAML or JSON document (``None`` or blank: the defaults)."""
    if text is None or not text.strip():
        return parse_rules(None)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ValidationError(f"the shift rules are not valid YAML{where}",
                              {"field": "rules"}, reason="rules-yaml") from None
    if not isinstance(data, dict):
        raise ValidationError("the shift rules must be a mapping (templates, pools, …)",
                              {"field": "rules"}, reason="rules-mapping")
    return parse_rules(data)


@dataclass(frozen=True)
class ScheduleOptions:
    """How to schedule a staffing plan (the file's rows come apart)."""

    rules: ShiftRules
    seat_cap: int | None = None
    sites: Sequence[SiteCapacity] | None = None
    """Seats per site; ``None`` with no ``seat_cap``: one site without a cap."""
    home_share: float = 0.0
    requirement: str = "scheduled_heads"
    time_limit: float = 10.0
    workers: int = 1


def schedule_plan(staffing_text: str, options: ScheduleOptions,
                  telework: dict[str, TeleworkRule] | None = None) -> Schedule:
    """The shifts of a staffing plan CSV (``plan staffing --output``)."""
    requirements = parse_requirements_csv(staffing_text, options.requirement)
    if options.seat_cap is not None and options.sites is not None:
        raise ValidationError("give a seat cap or sites, not both", {"field": "sites"},
                              reason="seat-cap-or-sites")
    if options.seat_cap is not None and options.seat_cap < 0:
        raise ValidationError("seat_cap: a number of seats", {"field": "seat_cap"},
                              reason="seat-cap")
    sites = (list(options.sites) if options.sites is not None
             else [SiteCapacity(DEFAULT_SITE, options.seat_cap)])
    return schedule(ScheduleRequest(requirements, options.rules, sites, options.home_share,
                                    telework or {}, options.time_limit, options.workers))


def parse_sites_csv(text: str) -> list[SiteCapacity]:
    """``site, seats`` per line: the seats each site may use per shift."""
    from renfort.planning.tables import read_table

    out: list[SiteCapacity] = []
    for rec in read_table(text, required=("site", "seats"), what="sites file"):
        name = rec.text("site")
        if name is None or name == "home":
            raise rec.bad("site", "a site name (not 'home')")
        seats = rec.required_number("seats")
        if seats < 0 or seats != int(seats):
            raise rec.bad("seats", f"{seats:g} is not a number of seats")
        if any(s.site == name for s in out):
            raise rec.bad("site", f"site {name!r} appears twice")
        out.append(SiteCapacity(name, int(seats)))
    return out


class PlanningService:
    """The planning use cases that read the federation (sites, agents) from the store."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def federation(self, who: Principal) -> Federation:
        """The federation as the caller may plan it (see the module docstring)."""
        require_federation(who)
        with self._engine.connect() as conn:
            config = repo.load_federation(conn)
            blocked = srepo.home_blocked(conn)
        home_ready = frozenset(a.id for a in config.agents if a.id not in blocked)
        if who.role is Role.ADMIN:
            return Federation(config.outsourcers, config.clients, config.queues,
                              config.contracts, config.sites, config.agents, config.waivers,
                              home_ready)
        mine = who.outsourcer_id
        contracts = [c for c in config.contracts if c.outsourcer_id == mine]
        queue_ids = {q for c in contracts for q in c.queue_ids}
        queues = [q for q in config.queues if q.id in queue_ids]
        client_ids = {q.client_id for q in queues}
        return Federation(
            [o for o in config.outsourcers if o.id == mine],
            [c for c in config.clients if c.id in client_ids], queues, contracts,
            [s for s in config.sites if s.outsourcer_id == mine],
            [a for a in config.agents if a.outsourcer_id == mine],
            [w for w in config.waivers if w.client_id in client_ids], home_ready)

    def site_capacities(self, who: Principal) -> list[SiteCapacity]:
        """The caller's sites with their seats per shift: the distancing capacity when one
        was computed, else the seats declared."""
        require_federation(who)
        with self._engine.connect() as conn:
            return [SiteCapacity(site.slug, _capacity(conn, site.id, site.seats))
                    for site in self.federation(who).sites]

    def telework(self, who: Principal, at: datetime) -> dict[str, TeleworkRule]:
        """Each visible queue's telework rule at *at*: a queue allowing home work under a
        waiver counts as allowed while a waiver covers it, else as on-site only."""
        federation = self.federation(who)
        out: dict[str, TeleworkRule] = {}
        for q in federation.queues:
            rule = q.telework
            if rule is TeleworkRule.WITH_WAIVER:
                covered = any(q.id in w.queue_ids and w.active_at(at)
                              for w in federation.waivers)
                rule = TeleworkRule.ALLOWED if covered else TeleworkRule.ON_SITE_ONLY
            out[q.slug] = rule
        return out

    def schedule_on_federation(self, who: Principal, staffing_text: str,
                               options: ScheduleOptions) -> Schedule:
        """Schedule with the caller's sites and their capacities, and the queues' telework
        rules (home work where the client allows it at the plan's start)."""
        requirements = parse_requirements_csv(staffing_text, options.requirement)
        start = min(r.start for r in requirements)
        sites = self.site_capacities(who)
        if not sites:
            raise ValidationError("no site to schedule on in your federation",
                                  {"field": "sites"}, reason="no-site")
        telework = self.telework(who, start)
        known = set(telework)
        unknown = sorted({r.queue for r in requirements} - known)
        if unknown:
            raise ValidationError(f"queue {unknown[0]!r} of the plan is not a queue of your "
                                  "federation", {"field": "staffing", "queue": unknown[0]},
                                  reason="plan-queue-unknown")
        staff = staff_groups(self.federation(who), {r.queue for r in requirements})
        return schedule(ScheduleRequest(requirements, options.rules, sites,
                                        options.home_share, telework, options.time_limit,
                                        options.workers, staff))

    def replay(self, who: Principal, forecast_text: str, schedule_text: str, *,
               replications: int, seed: int, workers: int = 1,
               max_work: float | None = MAX_REPLAY_WORK) -> dict[str, Any]:
        """Simulate the forecast day with the schedule's shifts given to real agents."""
        federation = self.federation(who)
        built = build_replay(forecast_text, schedule_text, federation)
        scenario = parse_scenario(built.scenario)
        report = run_simulation(scenario, replications=replications, seed=seed,
                                workers=workers, max_work=max_work)
        return {**report, "staffing": staffed_out(built)}


def staff_groups(federation: Federation, planned: set[str]) -> list[StaffGroup]:
    """The federation's agents by place and by the plan's queues they can take (skill and
    language); home agents only with a complete home set-up."""
    sites = {s.id: s.slug for s in federation.sites}
    queues = [q for q in federation.queues if q.slug in planned]
    groups: dict[tuple[str, frozenset[str]], int] = {}
    for agent in federation.agents:
        if agent.works_from is WorkPlace.HOME:
            if federation.home_ready is not None and agent.id not in federation.home_ready:
                continue
            place = HOME
        elif agent.site_id in sites:
            place = sites[agent.site_id]
        else:
            continue
        able = frozenset(q.slug for q in queues if q.skill in agent.skills
                         and (q.language is None or q.language in agent.languages))
        if able:
            groups[(place, able)] = groups.get((place, able), 0) + 1
    return [StaffGroup(place, able, count) for (place, able), count in sorted(
        groups.items(), key=lambda item: (item[0][0], sorted(item[0][1])))]


def build_replay(forecast_text: str, schedule_text: str, federation: Federation) -> Replay:
    cells = parse_forecast_cells(forecast_text)
    shifts = parse_shifts_csv(schedule_text)
    return replay_scenario(cells, shifts, federation)


def staffed_out(built: Replay) -> dict[str, Any]:
    s = built.staffed
    return {"shifts": len(s.filled) + len(s.unfilled), "filled": len(s.filled),
            "unfilled": len(s.unfilled), "unfilled_shifts": s.unfilled[:200],
            "unfilled_hours": round(s.unfilled_hours, 2), "agents": s.agents,
            "by_place": dict(sorted(s.by_place.items())),
            "by_outsourcer": dict(sorted(s.by_outsourcer.items()))}


def _capacity(conn: Connection, site_id: str, seats: int) -> int:
    dist = srepo.load_distancing(conn, site_id)
    return int(dist["capacity"]) if dist else seats


def require_federation(who: Principal) -> None:
    if who.role is Role.ADMIN or who.role in OUTSOURCER_ROLES:
        return
    raise PermissionDeniedError(f"role {who.role} cannot plan on the federation's sites and "
                                "agents", {}, reason="role-cannot-federation")


def now_of(clock: Clock) -> datetime:
    return to_datetime(clock.now())

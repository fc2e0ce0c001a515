"""A schedule replayed on the real federation: its shifts given to real agents, the day
written as a simulation scenario that the same router runs.

**Arrivals** come from the forecast (Poisson ``volume`` per interval, exponential handle
times of mean ``aht_seconds`` and patience of mean ``patience_seconds``). **Queues,
clients, contracts, waivers and sites** are the federation's own, with their routing rules
(priority by sector, skills, bullseye, language, telework rule, overflow).

**Agents**: each shift of the schedule goes to a real agent, who keeps every skill,
proficiency, language and channel capacity of their record. An agent fits a shift when

* they are skilled for at least one of its queues, and speak the queue's language;
* they work where the shift is: at that site (a site of the federation), on any site (a
  schedule made with one seat cap), or from home — home agents only, and only those whose
  home set-up is complete;
* they are free: not already on a shift, and rested 11 hours since their last one.

Among those, the agent taking the most of the shift's queues, under contract for them, with
the best proficiency wins; generalists are kept for later. Shifts with the fewest
candidates are filled first. A shift nobody fits stays unfilled and is reported: the
replay never invents an agent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from renfort.domain.errors import ValidationError
from renfort.domain.model import (
    Agent,
    Channel,
    Client,
    Contract,
    Outsourcer,
    Queue,
    Site,
    Waiver,
    WorkPlace,
)
from renfort.planning.forecast import ForecastCell
from renfort.planning.schedule import HOME, Shift

REST = timedelta(hours=11)
"""Minimum daily rest between two shifts of one agent (French labour code)."""
MAX_DAYS = 7


@dataclass(frozen=True)
class Federation:
    """The federation's records the replay needs (domain objects)."""

    outsourcers: Sequence[Outsourcer]
    clients: Sequence[Client]
    queues: Sequence[Queue]
    contracts: Sequence[Contract]
    sites: Sequence[Site]
    agents: Sequence[Agent]
    waivers: Sequence[Waiver]
    home_ready: frozenset[str] | None = None
    """Agents whose home set-up is complete (``None``: not known, all home agents)."""


@dataclass
class Staffed:
    """How the schedule's shifts were given to real agents."""

    filled: dict[str, str] = field(default_factory=dict)
    """Shift id → agent id."""
    unfilled: list[str] = field(default_factory=list)
    by_place: dict[str, int] = field(default_factory=dict)
    """Filled shifts per site slug, and ``home``."""
    by_outsourcer: dict[str, int] = field(default_factory=dict)
    unfilled_hours: float = 0.0
    agents: int = 0


@dataclass(frozen=True)
class Replay:
    scenario: dict[str, Any]
    """The scenario document (``renfort.simulation.scenario``)."""
    staffed: Staffed


def replay_scenario(cells: Sequence[ForecastCell], shifts: Sequence[Shift],
                    federation: Federation, *, name: str = "federation",
                    sl_target: float = 0.8, sl_seconds: float = 60.0) -> Replay:
    """The scenario of the day (see the module docstring)."""
    if not cells:
        raise ValidationError("the forecast has no rows", {"field": "forecast"},
                              reason="forecast-empty")
    queues = {q.slug: q for q in federation.queues}
    for c in cells:
        if c.queue not in queues:
            raise ValidationError(f"forecast: queue {c.queue!r} is not a queue of the "
                                  "federation", {"field": "forecast", "queue": c.queue},
                                  reason="forecast-queue-unknown")
    minutes = {c.minutes for c in cells}
    if len(minutes) != 1:
        raise ValidationError("the forecast mixes interval lengths", {"field": "forecast"},
                              reason="forecast-mixed-intervals")
    length = timedelta(minutes=minutes.pop())
    start = min(c.start for c in cells).astimezone(UTC)
    end = max(c.start for c in cells).astimezone(UTC) + length
    if end - start > timedelta(days=MAX_DAYS):
        raise ValidationError(f"the forecast spans more than {MAX_DAYS} days: replay a few "
                              "days at a time", {"field": "forecast"},
                              reason="forecast-too-long", values={"max": MAX_DAYS})
    count = round((end - start) / length)
    used = list(dict.fromkeys(c.queue for c in cells))
    for s in shifts:
        unknown = [q for q in s.queues if q not in queues]
        if unknown:
            raise ValidationError(f"schedule {s.id}: queue {unknown[0]!r} is not a queue of "
                                  "the federation", {"field": "schedule", "shift": s.id},
                                  reason="schedule-queue-unknown")
    window = [s for s in shifts if s.end.astimezone(UTC) > start
              and s.start.astimezone(UTC) < end]
    staffed, assignment = staff(window, federation)
    document = _document(cells, used, queues, federation, assignment, start, length, count,
                         name=name, sl_target=sl_target, sl_seconds=sl_seconds)
    return Replay(document, staffed)


def staff(shifts: Sequence[Shift], federation: Federation
          ) -> tuple[Staffed, dict[str, list[Shift]]]:
    """Give each shift a real agent (see the module docstring); agent id → their shifts."""
    queues = {q.slug: q for q in federation.queues}
    site_by_slug = {s.slug: s for s in federation.sites}
    site_slug: dict[str, str] = {s.id: s.slug for s in federation.sites}
    outsourcer_slug = {o.id: o.slug for o in federation.outsourcers}
    contracted: dict[str, set[str]] = {}
    for contract in federation.contracts:
        contracted.setdefault(contract.outsourcer_id, set()).update(contract.queue_ids)

    def able(agent: Agent, queue: Queue) -> bool:
        return queue.skill in agent.skills and (queue.language is None
                                                or queue.language in agent.languages)

    def fits_place(agent: Agent, shift: Shift) -> bool:
        if shift.location == HOME:
            return agent.works_from is WorkPlace.HOME and (
                federation.home_ready is None or agent.id in federation.home_ready)
        if agent.works_from is not WorkPlace.SITE:
            return False
        site = site_by_slug.get(shift.location)
        return site is None or agent.site_id == site.id

    candidates: dict[str, list[Agent]] = {}
    for shift in shifts:
        wanted = [queues[q] for q in shift.queues]
        candidates[shift.id] = [a for a in federation.agents if fits_place(a, shift)
                                and any(able(a, q) for q in wanted)]

    def rank(agent: Agent, shift: Shift) -> tuple[int, int, int, int, str]:
        wanted = [queues[q] for q in shift.queues]
        mine = [q for q in wanted if able(agent, q)]
        covered = sum(1 for q in mine if q.id in contracted.get(agent.outsourcer_id, ()))
        level = sum(agent.skills[q.skill] for q in mine)
        return (-len(mine), -covered, -level, len(agent.skills), agent.id)

    busy: dict[str, list[Shift]] = {}
    staffed = Staffed()
    for shift in sorted(shifts, key=lambda s: (len(candidates[s.id]), s.start, s.id)):
        free = [a for a in candidates[shift.id] if _rested(busy.get(a.id, []), shift)]
        if not free:
            staffed.unfilled.append(shift.id)
            staffed.unfilled_hours += shift.hours
            continue
        agent = min(free, key=lambda a: rank(a, shift))
        busy.setdefault(agent.id, []).append(shift)
        staffed.filled[shift.id] = agent.id
        place = HOME if shift.location == HOME else site_slug.get(agent.site_id or "", "site")
        staffed.by_place[place] = staffed.by_place.get(place, 0) + 1
        owner = outsourcer_slug.get(agent.outsourcer_id, agent.outsourcer_id)
        staffed.by_outsourcer[owner] = staffed.by_outsourcer.get(owner, 0) + 1
    staffed.unfilled.sort()
    staffed.agents = len(busy)
    return staffed, busy


def _rested(taken: list[Shift], shift: Shift) -> bool:
    return all(shift.start >= other.end + REST or shift.end + REST <= other.start
               for other in taken)


_SLUG = re.compile(r"[^a-z0-9-]+")


def _slug(value: str, used: set[str]) -> str:
    base = _SLUG.sub("-", value.lower()).strip("-")[:55] or "agent"
    slug, k = base, 1
    while slug in used or not slug[0].isalnum():
        k += 1
        slug = f"{base}-{k}"
    used.add(slug)
    return slug


def _document(cells: Sequence[ForecastCell], used: list[str], queues: Mapping[str, Queue],
              federation: Federation, assignment: dict[str, list[Shift]], start: datetime,
              length: timedelta, count: int, *, name: str, sl_target: float,
              sl_seconds: float) -> dict[str, Any]:
    clients: dict[str, Client] = {c.id: c for c in federation.clients}
    outsourcers: dict[str, str] = {o.id: o.slug for o in federation.outsourcers}
    sites = {s.id: s for s in federation.sites}
    series: dict[str, dict[str, list[float | None]]] = {
        q: {"volume": [0.0] * count, "aht": [None] * count, "patience": [None] * count}
        for q in used}
    for c in cells:
        k = round((c.start.astimezone(UTC) - start) / length)
        series[c.queue]["volume"][k] = c.volume
        series[c.queue]["aht"][k] = c.aht_seconds
        series[c.queue]["patience"][k] = c.patience_seconds or None
    scenario_queues = []
    client_ids: list[str] = []
    for slug in used:
        queue = queues[slug]
        client_ids.append(queue.client_id)
        data = series[slug]
        spec: dict[str, Any] = {
            "slug": queue.slug, "name": queue.name, "client": clients[queue.client_id].slug,
            "skill": queue.skill,
            "channel": str(Channel.VOICE if Channel.VOICE in queue.channels
                           else sorted(queue.channels)[0]),
            "sl_target": queue.sl_target, "sl_seconds": queue.sl_seconds,
            "telework": str(queue.telework), "language": queue.language,
            "overflow_after_seconds": queue.overflow_after_seconds,
            "bullseye": [{"after_seconds": t.after_seconds, "min_proficiency":
                          t.min_proficiency} for t in queue.bullseye],
            "arrivals": {"volumes": data["volume"]},
        }
        aht = _filled(data["aht"])
        spec["handle_time"] = {"kind": "exponential", "mean": aht[0]}
        spec["handle_time_means"] = aht
        if any(v is not None for v in data["patience"]):
            patience = _filled(data["patience"])
            spec["patience"] = {"kind": "exponential", "mean": patience[0]}
            spec["patience_means"] = patience
        scenario_queues.append(spec)
    wanted_ids = {queues[s].id for s in used}
    client_set = list(dict.fromkeys(client_ids))
    agents = []
    names: set[str] = set()
    by_id: dict[str, Agent] = {a.id: a for a in federation.agents}
    for agent_id, taken in sorted(assignment.items()):
        agent = by_id[agent_id]
        if not any(q.skill in agent.skills for q in (queues[s] for s in used)):
            continue
        group: dict[str, Any] = {
            "name": _slug(agent.id, names), "outsourcer": outsourcers[agent.outsourcer_id],
            "location": str(agent.works_from), "skills": dict(agent.skills),
            "capacity": {str(c): n for c, n in agent.capacity.items()},
            "languages": sorted(agent.languages) or ["fr"], "count": 1,
            "shifts": [_shift(s, start) for s in sorted(taken, key=lambda s: s.start)],
        }
        if agent.works_from is WorkPlace.SITE and agent.site_id in sites:
            group["site"] = sites[agent.site_id].slug
        agents.append(group)
    if not agents:
        raise ValidationError("no shift of the schedule found a real agent: check the "
                              "queues, sites and home set-ups", {"field": "schedule"},
                              reason="schedule-no-agent")
    contracts = []
    for contract in federation.contracts:
        mine = sorted(queues_by_id(queues)[q].slug for q in contract.queue_ids
                      if q in wanted_ids)
        if mine and contract.outsourcer_id in outsourcers:
            contracts.append({"client": clients[contract.client_id].slug,
                              "outsourcer": outsourcers[contract.outsourcer_id],
                              "queues": mine})
    horizon = count * length
    waivers = []
    for waiver in federation.waivers:
        mine = sorted(queues_by_id(queues)[q].slug for q in waiver.queue_ids
                      if q in wanted_ids)
        until = min(waiver.valid_to, waiver.revoked_at or waiver.valid_to)
        begin = max(timedelta(0), waiver.valid_from - start)
        finish = min(horizon + timedelta(days=1), until - start, timedelta(days=MAX_DAYS))
        if mine and finish > begin and waiver.client_id in clients:
            waivers.append({"client": clients[waiver.client_id].slug, "queues": mine,
                            "from": begin.total_seconds() / 60,
                            "to": finish.total_seconds() / 60,
                            "conditions": waiver.conditions})
    return {
        "name": name, "start": start.isoformat(), "interval_minutes":
            int(length.total_seconds() // 60), "intervals": count, "sl_target": sl_target,
        "sl_seconds": sl_seconds,
        "clients": [{"slug": clients[c].slug, "name": clients[c].name,
                     "sector": str(clients[c].sector),
                     "priority": clients[c].priority_override} for c in client_set],
        "outsourcers": sorted(set(outsourcers.values())),
        "sites": [{"slug": s.slug, "outsourcer": outsourcers[s.outsourcer_id],
                   "seats": s.seats} for s in federation.sites
                  if s.outsourcer_id in outsourcers],
        "queues": scenario_queues, "contracts": contracts, "waivers": waivers,
        "agents": agents,
    }


def queues_by_id(queues: Mapping[str, Queue]) -> dict[str, Queue]:
    return {q.id: q for q in queues.values()}


def _shift(shift: Shift, start: datetime) -> dict[str, Any]:
    def minutes(moment: datetime) -> float:
        return (moment.astimezone(UTC) - start).total_seconds() / 60.0

    return {"start": max(0.0, minutes(shift.start)), "end": minutes(shift.end),
            "breaks": [{"start": minutes(b), "minutes": m} for b, m in shift.breaks
                       if minutes(b) >= 0]}


def _filled(values: list[float | None]) -> list[float]:
    """Intervals without a value borrow the nearest earlier (else later) one."""
    known = [v for v in values if v is not None]
    last = known[0] if known else 1.0
    out = []
    for v in values:
        last = v if v is not None else last
        out.append(last)
    return out

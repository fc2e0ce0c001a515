"""The supervisor wall (``/supervisor``): queues with live KPIs, agents by site and at home,
site occupancy, alerts. One fragment, reloaded when a live event arrives (and every few
seconds, since waiting times grow without any event)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.services import contacts_read, desktop, stats
from renfort.services.briefings import BriefingService
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.web import charts, occupancy
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, page
from renfort.web.templating import (
    duration,
    message,
    paris_time,
    percent,
    render,
    short_duration,
)

router = APIRouter(prefix="/supervisor", dependencies=[Depends(check_origin)])
STATES = ("available", "offered", "busy", "break", "missed", "logged_out")
WAIVER_WARNING_SECONDS = 3 * 86_400.0
ACTORS = frozenset({Role.ADMIN, *OUTSOURCER_ROLES})
"""Who may pause or log out an agent from the wall (the API checks it again, by agent)."""
MOVERS = frozenset({Role.ADMIN, Role.OUTSOURCER_MANAGER})
"""Who may move an agent to another queue (it rewrites the agent's skills)."""


def _queues(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    catalog = Catalog(rt.engine)
    clients = {c["id"]: c for c in catalog.list(KINDS["clients"], who)}
    rows = []
    for queue in catalog.list(KINDS["queues"], who):
        figures = stats.queue_stats(rt.engine, rt.desk, rt.clock, who, queue["id"])
        sl = figures["service_level_today"]
        at_risk = (sl is not None and sl < queue["sl_target"]) or \
            figures["oldest_wait_seconds"] > queue["sl_seconds"]
        client = clients.get(queue["client_id"])
        rows.append({**figures, "name": queue["name"], "client": client["name"] if client
                     else queue["client"], "at_risk": at_risk, "skill": queue["skill"],
                     "level": wait_level(figures["oldest_wait_seconds"], queue["sl_seconds"])})
    return rows


LEVELS = ((4.0, "critical"), (2.0, "bad"), (1.0, "warn"))
"""Alert level by the oldest wait, in multiples of the queue's service-level time."""


def wait_level(oldest: float, sl_seconds: float) -> str | None:
    """``warn`` past the service-level time, ``bad`` past twice it, ``critical`` past four
    times: the longer someone waits, the louder the wall."""
    for factor, level in LEVELS:
        if sl_seconds > 0 and oldest > factor * sl_seconds:
            return level
    return None


def _agents(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    """Agents visible to ``who`` grouped by where they work: each site, then home."""
    catalog = Catalog(rt.engine)
    sites = catalog.list(KINDS["sites"], who)
    agents = catalog.list(KINDS["agents"], who)
    now = rt.clock.now()
    groups: dict[str, dict[str, Any]] = {}
    for site in sites:
        groups[site["id"]] = {"key": site["id"], "name": site["name"], "site": site,
                              "agents": [], "counts": Counter()}
    home: dict[str, Any] = {"key": "home", "name": None, "site": None, "agents": [],
                            "counts": Counter()}
    for agent in agents:
        state = desktop.agent_state(rt.desk, agent["id"])
        since = agent.get("status_since")
        entry = {"id": agent["id"], "name": agent["name"], "state": state,
                 "reason": agent.get("status_reason"), "outsourcer": agent.get("outsourcer"),
                 "since": since, "in_state": max(0.0, now - since) if since else None,
                 "skills": sorted(agent.get("skills") or {})}
        group: dict[str, Any] = home if agent["works_from"] == "home" or not agent["site_id"] \
            else groups.get(agent["site_id"], home)
        group["counts"][state] += 1
        if state != "logged_out":
            group["agents"].append(entry)
    result = list(groups.values())
    if home["counts"]:
        result.append(home)
    for group in result:
        group["agents"].sort(key=lambda a: (STATES.index(a["state"]), a["name"]))
        group["present"] = sum(n for s, n in group["counts"].items() if s != "logged_out")
    return result


def _alerts(rt: Runtime, who: Principal, queues: list[dict[str, Any]],
            sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = []
    for q in queues:
        if q["service_level_today"] is not None and q["service_level_today"] < q["sl_target"]:
            alerts.append({"level": "bad", "key": "wall.alert.sl", "queue": q["name"],
                           "value": q["service_level_today"], "target": q["sl_target"]})
        elif q["oldest_wait_seconds"] > q["sl_seconds"]:
            alerts.append({"level": q["level"], "key": "wall.alert.wait", "queue": q["name"],
                           "value": q["oldest_wait_seconds"], "target": q["sl_seconds"]})
        staffed = q["agents"]["available"] + q["agents"]["busy"]
        if q["waiting"] and not staffed:
            alerts.append({"level": "bad", "key": "wall.alert.nobody", "queue": q["name"],
                           "value": q["waiting"], "target": 0})
    for site in sites:
        if site["over"]:
            alerts.append({"level": "bad", "key": "wall.alert.capacity", "queue": site["name"],
                           "value": max(site["present"], site["occupied"]),
                           "target": site["capacity"]})
    now = rt.clock.now()
    for waiver in Catalog(rt.engine).list(KINDS["waivers"], who):
        if waiver["revoked_at"]:
            continue
        left = occupancy.seconds_until(waiver["valid_to"], now)
        if 0 <= left <= WAIVER_WARNING_SECONDS:
            alerts.append({"level": "warn", "key": "wall.alert.waiver",
                           "queue": waiver["client"], "value": left, "target": 0})
    return alerts


QUEUE_SORTS = {"name": lambda q: (q["name"],), "waiting": lambda q: (-q["waiting"], q["name"]),
               "oldest": lambda q: (-q["oldest_wait_seconds"], q["name"]),
               "sl": lambda q: (q["service_level_today"] if q["service_level_today"] is not None
                                else 2.0, q["name"])}
AGENT_SORTS = {"state": lambda a: (STATES.index(a["state"]), a["name"]),
               "name": lambda a: (a["name"],),
               "time": lambda a: (-(a["in_state"] or 0.0), a["name"])}


@dataclass(frozen=True)
class View:
    """What the supervisor asked the wall to show: a filter, an order, a drill-down."""

    q: str = ""
    state: str = ""
    sort: str = "waiting"
    agent_sort: str = "state"
    queue: str = ""
    agent: str = ""

    @classmethod
    def read(cls, q: str = "", state: str = "", sort: str = "", agent_sort: str = "",
             queue: str = "", agent: str = "") -> View:
        return cls(q.strip()[:80], state if state in STATES else "",
                   sort if sort in QUEUE_SORTS else "waiting",
                   agent_sort if agent_sort in AGENT_SORTS else "state",
                   queue[:80], agent[:80])


def _matches(text: str, *values: str | None) -> bool:
    needle = text.casefold()
    return not needle or any(needle in (v or "").casefold() for v in values)


def _charts(rt: Runtime, queues: list[dict[str, Any]]) -> dict[str, Any]:
    """Service level and waiting per hour today, against the goals, for these queues."""
    now = rt.clock.now()
    with rt.engine.connect() as conn:
        rows = contacts_read.intervals_today(
            conn, {q["queue"]: q["sl_seconds"] for q in queues}, now)
    labels = [paris_time(r["start"], "%Hh") for r in rows]
    sl_target = min((q["sl_target"] for q in queues), default=0.8)
    sl_seconds = min((q["sl_seconds"] for q in queues), default=60.0)
    name = message("wall.chart.sl_series")
    service = charts.line_chart(
        {name: [None if r["service_level"] is None else r["service_level"] for r in rows]},
        labels, title=message("wall.chart.sl_title"), y_max=1.0, target=sl_target,
        target_label=message("wall.chart.target", value=percent(sl_target)),
        y_format=percent)
    waits = charts.line_chart(
        {message("wall.chart.mean_wait"): [r["mean_wait"] for r in rows],
         message("wall.chart.max_wait"): [r["max_wait"] for r in rows]},
        labels, title=message("wall.chart.wait_title"), target=sl_seconds,
        target_label=message("wall.chart.target", value=duration(sl_seconds)),
        y_format=short_duration)
    handled = sum(r["handled"] for r in rows)
    return {"service": service, "waits": waits, "handled": handled, "sl_target": sl_target,
            "sl_seconds": sl_seconds, "rows": rows}


def _held(rt: Runtime, agent_id: str) -> list[dict[str, Any]]:
    return [{"id": h.id, "queue": rt.desk.queue(h.queue_id).name, "state": str(h.state),
             "channel": str(h.channel)} for h in rt.desk.held_by(agent_id)]


def wall(rt: Runtime, who: Principal, view: View | None = None) -> dict[str, Any]:
    view = view or View()
    queues = _queues(rt, who)
    groups = _agents(rt, who)
    sites = occupancy.site_occupancy(rt, who, groups)
    totals = {
        "waiting": sum(q["waiting"] for q in queues),
        "oldest": max((q["oldest_wait_seconds"] for q in queues), default=0.0),
        "abandoned": sum(q["abandoned_today"] for q in queues),
        "answered": sum(q["answered_today"] for q in queues),
        "agents": Counter(),
    }
    for group in groups:
        totals["agents"].update(group["counts"])
    alerts = _alerts(rt, who, queues, sites)
    # the lists below are the ones filtered, ordered and drilled into; totals stay whole
    shown = [q for q in queues if _matches(view.q, q["name"], q["client"], q["slug"])]
    shown.sort(key=QUEUE_SORTS[view.sort])
    people = [{**a, "place": g["name"]} for g in groups for a in g["agents"]]
    listed = [a for a in people if (not view.state or a["state"] == view.state)
              and _matches(view.q, a["name"], a["place"])]
    listed.sort(key=AGENT_SORTS[view.agent_sort])
    focus_queue = next((q for q in queues if view.queue in (q["slug"], q["queue"])), None) \
        if view.queue else None
    focus_agent = next((a for a in people if a["id"] == view.agent), None) \
        if view.agent else None
    detail: dict[str, Any] | None = None
    if focus_queue is not None:
        detail = {"kind": "queue", "queue": focus_queue,
                  "agents": [a for a in people if focus_queue["skill"] in a["skills"]],
                  "charts": _charts(rt, [focus_queue])}
    elif focus_agent is not None:
        detail = {"kind": "agent", "agent": focus_agent, "held": _held(rt, focus_agent["id"]),
                  "queues": [q for q in queues if q["skill"] in focus_agent["skills"]]}
    return {"queues": shown, "all_queues": queues, "groups": groups, "sites": sites,
            "agents": listed, "present": len(people), "alerts": alerts, "totals": totals,
            "states": STATES, "flags": rt.flags.open_flags(who, limit=20),
            "now": rt.clock.now(), "view": view, "detail": detail,
            "charts": _charts(rt, queues) if detail is None else None,
            "can_act": who.role in ACTORS, "can_move": who.role in MOVERS,
            "break_reason": message("wall.break_reason"),
            "briefings": _briefings(rt, who)}


def _briefings(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    """The latest briefings some of the caller's agents have not read yet, with who."""
    service = BriefingService(rt.engine, rt.clock, rt.desk)
    return [service.get(who, b["id"]) for b in service.list(who)[:5] if b["not_briefed"]]


ViewDep = Annotated[View, Depends(View.read)]


@router.get("")
async def wall_page(request: Request, rt: RuntimeDep, who: WebPrincipal,
                    view: ViewDep) -> HTMLResponse:
    allow(who, "supervisor")
    data = await asyncio.to_thread(wall, rt, who, view)
    return page(request, "supervisor/page.html", who, "supervisor", {"wall": data})


@router.get("/wall")
async def wall_fragment(request: Request, rt: RuntimeDep, who: WebPrincipal,
                        view: ViewDep) -> HTMLResponse:
    allow(who, "supervisor")
    data = await asyncio.to_thread(wall, rt, who, view)
    return render(request, "supervisor/wall.html", {"wall": data})


@router.post("/flags/{flag_id}/acknowledge")
async def acknowledge_flag(flag_id: int, request: Request, rt: RuntimeDep,
                           who: WebPrincipal) -> HTMLResponse:
    """A supervisor has seen a redirect flagged for them."""
    allow(who, "supervisor")
    await asyncio.to_thread(rt.flags.acknowledge, who, flag_id)
    data = await asyncio.to_thread(wall, rt, who)
    return render(request, "supervisor/wall.html", {"wall": data})

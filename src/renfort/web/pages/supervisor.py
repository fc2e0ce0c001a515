"""The supervisor wall (``/supervisor``): queues with live KPIs, agents by site and at home,
site occupancy, alerts. One fragment, reloaded when a live event arrives (and every few
seconds, since waiting times grow without any event)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.routing.types import AgentStatus
from renfort.services import stats
from renfort.services.briefings import BriefingService
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal
from renfort.web import occupancy
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, page
from renfort.web.templating import render

router = APIRouter(prefix="/supervisor", dependencies=[Depends(check_origin)])
STATES = ("available", "busy", "break", "missed", "logged_out")
WAIVER_WARNING_SECONDS = 3 * 86_400.0


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
                     else queue["client"], "at_risk": at_risk})
    return rows


def _agents(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    """Agents visible to ``who`` grouped by where they work: each site, then home."""
    catalog = Catalog(rt.engine)
    sites = catalog.list(KINDS["sites"], who)
    agents = catalog.list(KINDS["agents"], who)
    groups: dict[str, dict[str, Any]] = {}
    for site in sites:
        groups[site["id"]] = {"key": site["id"], "name": site["name"], "site": site,
                              "agents": [], "counts": Counter()}
    home: dict[str, Any] = {"key": "home", "name": None, "site": None, "agents": [],
                            "counts": Counter()}
    for agent in agents:
        live = rt.desk.view.agent(agent["id"])
        status = live.status
        busy = status is AgentStatus.AVAILABLE and live.load > 0
        state = "busy" if busy else str(status)
        entry = {"id": agent["id"], "name": agent["name"], "state": state,
                 "reason": agent.get("status_reason"), "outsourcer": agent.get("outsourcer")}
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
            alerts.append({"level": "warn", "key": "wall.alert.wait", "queue": q["name"],
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


def wall(rt: Runtime, who: Principal) -> dict[str, Any]:
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
    return {"queues": queues, "groups": groups, "sites": sites,
            "alerts": _alerts(rt, who, queues, sites), "totals": totals, "states": STATES,
            "flags": rt.flags.open_flags(who, limit=20), "now": rt.clock.now(),
            "briefings": _briefings(rt, who)}


def _briefings(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    """The latest briefings some of the caller's agents have not read yet, with who."""
    service = BriefingService(rt.engine, rt.clock, rt.desk)
    return [service.get(who, b["id"]) for b in service.list(who)[:5] if b["not_briefed"]]


@router.get("")
async def wall_page(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    allow(who, "supervisor")
    data = await asyncio.to_thread(wall, rt, who)
    return page(request, "supervisor/page.html", who, "supervisor", {"wall": data})


@router.get("/wall")
async def wall_fragment(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    allow(who, "supervisor")
    data = await asyncio.to_thread(wall, rt, who)
    return render(request, "supervisor/wall.html", {"wall": data})


@router.post("/flags/{flag_id}/acknowledge")
async def acknowledge_flag(flag_id: int, request: Request, rt: RuntimeDep,
                           who: WebPrincipal) -> HTMLResponse:
    """A supervisor has seen a redirect flagged for them."""
    allow(who, "supervisor")
    await asyncio.to_thread(rt.flags.acknowledge, who, flag_id)
    data = await asyncio.to_thread(wall, rt, who)
    return render(request, "supervisor/wall.html", {"wall": data})

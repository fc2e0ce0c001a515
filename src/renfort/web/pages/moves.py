"""Bulk moves (``/sites/moves``): a manager ticks agents, previews what each queue loses,
then moves them home or back to site in one go. Goes through the same use case as
``POST /api/v1/agents/moves``; refused agents are listed with their reason.

Mounted before :mod:`renfort.web.pages.sites`, whose ``/sites/{ref}`` would take the path.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError
from renfort.domain.model import WorkPlace
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal, Role
from renfort.web.admin_cells import Names, names
from renfort.web.listing import matching
from renfort.web.refusals import refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import PageForbiddenError, allow, check_origin, error_text, page
from renfort.web.templating import message

router = APIRouter(prefix="/sites", dependencies=[Depends(check_origin)])


def _allow(who: Principal) -> None:
    allow(who, "sites")
    if who.role not in (Role.ADMIN, Role.OUTSOURCER_MANAGER):
        raise PageForbiddenError(who, "sites")


def _agents(rt: Runtime, who: Principal) -> tuple[list[dict[str, Any]], Names]:
    """The caller's agents (each with its skills by the name of the queue that needs them)
    and the names of the queues they see."""
    catalog = Catalog(rt.engine)
    known = names(catalog, who, {"skills", "queues"})
    agents = [{**a, "skill_names": sorted(known["skills"].get(s, s) for s in a["skills"])}
              for a in catalog.list(KINDS["agents"], who)]
    return sorted(agents, key=lambda a: (a["works_from"], a["name"], a["id"])), known


def _shown(agent: dict[str, Any]) -> str:
    """What a search of the list matches: name, id, where the agent works, skills."""
    return " ".join([agent["name"], agent["id"], message(f"agent.works_from.{agent['works_from']}"),
                     *agent["skill_names"]])


def _listed(agents: list[dict[str, Any]], q: str) -> dict[str, Any]:
    return {"agents": matching(agents, q, _shown), "total": len(agents), "q": q}


@router.get("/moves")
async def moves_page(request: Request, rt: RuntimeDep, who: WebPrincipal,
                     q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """The agents to tick, narrowed by a search (« energie », « télétravail », a name) so
    that a manager of hundreds of agents moves a team, a skill or a site at once."""
    _allow(who)
    agents, known = await asyncio.to_thread(_agents, rt, who)
    return page(request, "sites/moves.html", who, "sites",
                {**_listed(agents, q), "queue_names": known["queues"], "chosen": set(),
                 "to": "home", "result": None})


@router.post("/moves")
async def moves_post(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    """``action=preview`` shows the effect; ``action=move`` applies it."""
    _allow(who)
    async with request.form() as form:
        chosen = [str(a) for a in form.getlist("agents")]
        to = str(form.get("to") or "home")
        dry_run = str(form.get("action") or "preview") != "move"
        q = str(form.get("q") or "")[:200]
    result = error = None
    try:
        if not chosen:
            raise refusal(message("moves.none"), {"field": "agents"})
        if to not in ("home", "site"):
            raise refusal(message("moves.bad_to"), {"field": "to"})
        result = await rt.routing_config.move_agents(who, chosen, WorkPlace(to), None,
                                                     dry_run)
    except RenfortError as failure:
        error = error_text(failure)
    agents, known = await asyncio.to_thread(_agents, rt, who)
    return page(request, "sites/moves.html", who, "sites", {
        **_listed(agents, q), "queue_names": known["queues"],
        "chosen": set(chosen) if dry_run else set(), "to": to, "result": result, "error": error})

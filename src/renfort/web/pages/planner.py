"""Planning (``/planner``): the chain in four steps, each result shown (chart, table) and
downloadable as CSV —

1. a history CSV (a sample is offered) → forecast of calls per interval, with
   announcement surges (``planner_chain``);
2. forecast → agents required per queue and interval (Erlang; a forecast CSV may also be
   uploaded directly), which the simulator may replay as it is;
3. agents → shifts within the sites' seats (``planner_chain``);
4. shifts → replay on the federation's real agents (``planner_chain``).

A plan may then be saved for the caller's tenant, and saved plans reopened. The page keeps
no state on the server: each step's files travel back in the next form and are parsed and
checked again each time. Long steps disable their form and say so while they run.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.domain.errors import RenfortError
from renfort.services.simulations import run_simulation, scenario_from_plan
from renfort.services.staffing import COLUMNS
from renfort.web import planner_views as views
from renfort.web.pages import planner_chain
from renfort.web.refusals import refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text
from renfort.web.templating import message

router = APIRouter(prefix="/planner", dependencies=[Depends(check_origin),
                                                    Depends(views.name_queues)])
MAX_SIM_WORK = 400_000.0
"""Expected calls × replications the page simulates; beyond, ``renfort simulate``."""
DOWNLOADS = {"forecast": "prevision.csv", "plan": "plan-effectifs.csv",
             "shifts": "horaires.csv", "coverage": "couverture.csv",
             "simulation": "simulation.csv", "replay": "rejeu-federation.csv"}


def sample_forecast(now: datetime) -> str:
    """A small forecast for tomorrow (Paris day 08:00–20:00), with an evening surge."""
    day = (now + timedelta(days=1)).astimezone(UTC).replace(hour=7, minute=0, second=0,
                                                           microsecond=0)
    shape = [0.5, 0.8, 1.0, 1.1, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.0, 0.9,
             0.8, 0.8, 0.9, 1.0, 1.2, 1.4, 2.5, 3.0, 2.6, 2.0, 1.5, 1.2]
    queues = (("hotline-general", 120, 300, 180), ("hotline-travel", 60, 240, 150),
              ("hotline-business", 25, 420, 240))
    lines = [",".join(COLUMNS)]
    for queue, base, aht, patience in queues:
        for k, factor in enumerate(shape):
            start = (day + timedelta(minutes=30 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{queue},{start},30,{round(base * factor)},{aht},{patience}")
    return "\n".join(lines) + "\n"


@router.get("")
def planner_page(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    allow(who, "planner")
    context: dict[str, Any] = {}
    flash = request.query_params.get("saved")
    if flash:
        context["flash"] = (message("planner.saved_ok") if flash == "1"
                            else message("planner.deleted_ok"))
    return views.render_planner(request, rt, who, context)


@router.get("/sample.csv")
def sample(rt: RuntimeDep, who: WebPrincipal) -> Response:
    allow(who, "planner")
    now = datetime.fromtimestamp(rt.clock.now(), tz=UTC)
    return Response(sample_forecast(now), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="prevision.csv"'})


@router.post("/staffing")
async def staffing(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   file: UploadFile | None = None,
                   forecast_csv: Annotated[str, Form()] = "",
                   model: Annotated[str, Form()] = "erlang-a",
                   service_level: Annotated[str, Form()] = "0.8",
                   within: Annotated[str, Form()] = "60",
                   shrinkage: Annotated[str, Form()] = "0") -> HTMLResponse:
    """Step 2: an uploaded forecast, or the forecast of step 1 carried by the form."""
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage}
    context: dict[str, Any] = {"form": form}
    try:
        uploaded = await views.upload_text(file)
        text = uploaded if uploaded is not None else forecast_csv
        if not text.strip():
            raise refusal(message("planner.no_forecast"), {"field": "file"})
        options = views.staffing_options(model, service_level, within, shrinkage)
        context["forecast"] = await asyncio.to_thread(views.forecast_context, text)
        context["staffing"] = await asyncio.to_thread(views.staffing_context, text, options)
        context["filename"] = file.filename if file is not None else None
    except RenfortError as error:
        context["error"] = error_text(error)
    return views.render_planner(request, rt, who, context)


@router.post("/simulate")
async def simulate(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   plan_csv: Annotated[str, Form()],
                   forecast_csv: Annotated[str, Form()] = "",
                   service_level: Annotated[str, Form()] = "0.8",
                   within: Annotated[str, Form()] = "60",
                   model: Annotated[str, Form()] = "erlang-a",
                   shrinkage: Annotated[str, Form()] = "0",
                   replications: Annotated[int, Form()] = 5,
                   seed: Annotated[int, Form()] = 1) -> HTMLResponse:
    """Replay the staffing plan as it is (one agent group per queue) through the real
    router on a virtual clock."""
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage, "replications": replications, "seed": seed}
    context: dict[str, Any] = {"form": form}
    try:
        options = views.staffing_options(model, service_level, within, shrinkage)
        forecast = forecast_csv or "\n".join(",".join(r.split(",")[:len(COLUMNS)])
                                             for r in plan_csv.splitlines())
        if forecast_csv:
            context["forecast"] = await asyncio.to_thread(views.forecast_context, forecast_csv)
        context["staffing"] = await asyncio.to_thread(views.staffing_context, forecast, options)

        def run() -> dict[str, Any]:
            scenario = scenario_from_plan(plan_csv, sl_target=options.service_level,
                                          sl_seconds=options.within_seconds, name="plan")
            report = run_simulation(scenario, replications=replications, seed=seed,
                                    max_work=MAX_SIM_WORK)
            return views.simulation_context(report, options.service_level)

        context["simulation"] = await asyncio.to_thread(run)
    except RenfortError as error:
        context["error"] = error_text(error)
    return views.render_planner(request, rt, who, context)


@router.post("/download")
def download(who: WebPrincipal, content: Annotated[str, Form()],
             name: Annotated[str, Form()] = "plan") -> Response:
    """A step's result as CSV (the text the page was given back)."""
    allow(who, "planner")
    filename = DOWNLOADS.get(name, "plan-effectifs.csv")
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


router.include_router(planner_chain.router)

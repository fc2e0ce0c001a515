"""The planner page's forecast (step 1), schedule (step 3), replay (step 4) and saved plans.

Each step takes the files of the steps before it back from the form (hidden fields),
checks them again and runs in a worker thread; an error is shown at the top of the page
with everything kept as it was. Scheduling and replay use the caller's sites and agents
(admin: the whole federation; an outsourcer's staff: theirs); a client viewer schedules
under a seat cap and cannot replay (no access to agents).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.domain.errors import RenfortError
from renfort.services.planning import (
    PlanningService,
    ScheduleOptions,
    rules_from_text,
    schedule_plan,
)
from renfort.services.saved_plans import SavedPlanService
from renfort.web import planner_views as views
from renfort.web.refusals import refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, error_text
from renfort.web.templating import message

router = APIRouter()
MAX_HISTORY = 5_000_000
MAX_TIME_LIMIT = 30.0
PAGE_WORKERS = 2
MAX_REPLAY_WORK = 400_000.0
Carried = Annotated[str, Form()]


def _number(raw: str, field: str, low: float, high: float) -> float:
    try:
        value = float(raw.replace(",", ".").strip())
    except ValueError:
        raise refusal(message("planner.bad_number", field=message(f"planner.{field}")),
                      {"field": field}) from None
    if not low <= value <= high:
        raise refusal(message("planner.bad_range", field=message(f"planner.{field}"),
                              low=f"{low:g}", high=f"{high:g}"), {"field": field})
    return value


@router.get("/history-sample.csv")
def history_sample(rt: RuntimeDep, who: WebPrincipal) -> Response:
    """Eight weeks of the hotline's demo history, up to yesterday, with two labelled
    announcements."""
    from renfort.demo.history import demo_history

    allow(who, "planner")
    today = datetime.fromtimestamp(rt.clock.now(), tz=UTC).date()
    return Response(demo_history(today), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="historique.csv"'})


@router.post("/forecast")
async def forecast(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   history: UploadFile | None = None, events: UploadFile | None = None,
                   start: Annotated[str, Form()] = "", days: Annotated[str, Form()] = "1",
                   country: Annotated[str, Form()] = "FR",
                   timezone: Annotated[str, Form()] = "Europe/Paris") -> HTMLResponse:
    """Step 1: a history (and announcement events) → calls per queue and interval."""
    allow(who, "planner")
    form = {"start": start, "days": days, "country": country, "timezone": timezone}
    context: dict[str, Any] = {"form": form}
    try:
        history_text = await views.upload_text(history, MAX_HISTORY)
        if history_text is None:
            raise refusal(message("planner.no_history"), {"field": "history"})
        events_text = await views.upload_text(events)
        try:
            first = date.fromisoformat(start)
        except ValueError:
            raise refusal(message("planner.bad_start"), {"field": "start"}) from None
        try:
            zone = ZoneInfo(timezone) if timezone.strip() else None
        except (ZoneInfoNotFoundError, ValueError):
            raise refusal(message("planner.bad_timezone", zone=timezone),
                          {"field": "timezone"}) from None
        open_days = int(_number(days, "days", 1, 31))

        def run() -> dict[str, Any]:
            from renfort.planning.forecast import ForecastRequest
            from renfort.planning.forecast import forecast as compute
            from renfort.planning.history import parse_events_csv, parse_history_csv

            rows = parse_history_csv(history_text)
            parsed = tuple(parse_events_csv(events_text)) if events_text else ()
            result = compute(rows, ForecastRequest(
                start=first, days=open_days, country=country.strip() or None, zone=zone,
                events=parsed))
            return views.forecast_context(views.forecast_text(result), result)

        context["forecast"] = await asyncio.to_thread(run)
    except RenfortError as error:
        context["error"] = error_text(error)
    return views.render_planner(request, rt, who, context)


async def _earlier_steps(forecast_csv: str, plan_csv: str,
                         options: Any) -> dict[str, Any]:
    """The forecast and staffing of the steps before, rebuilt from their files."""
    context: dict[str, Any] = {}
    if forecast_csv.strip():
        context["forecast"] = await asyncio.to_thread(views.forecast_context, forecast_csv)
        context["staffing"] = await asyncio.to_thread(views.staffing_context, forecast_csv,
                                                      options)
    elif plan_csv.strip():
        text = "\n".join(",".join(r.split(",")[:6]) for r in plan_csv.splitlines())
        context["staffing"] = await asyncio.to_thread(views.staffing_context, text, options)
    return context


@router.post("/schedule")
async def schedule(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   plan_csv: Carried, forecast_csv: Carried = "",
                   model: Carried = "erlang-a", service_level: Carried = "0.8",
                   within: Carried = "60", shrinkage: Carried = "0",
                   seat_cap: Carried = "", home_share: Carried = "0",
                   pools: Carried = "separate", time_limit: Carried = "10") -> HTMLResponse:
    """Step 3: the staffing plan → shifts within the seats (the caller's sites, or one cap)."""
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage, "seat_cap": seat_cap, "home_share": home_share,
            "pools": pools, "time_limit": time_limit}
    context: dict[str, Any] = {"form": form}
    try:
        options = views.staffing_options(model, service_level, within, shrinkage)
        context.update(await _earlier_steps(forecast_csv, plan_csv, options))
        share = _number(home_share or "0", "home_share", 0, 1)
        limit = _number(time_limit or "10", "time_limit", 1, MAX_TIME_LIMIT)
        cap = int(_number(seat_cap, "seat_cap", 0, 100_000)) if seat_cap.strip() else None
        if pools not in ("separate", "shared"):
            raise refusal(message("planner.bad_pools"), {"field": "pools"})
        rules = rules_from_text(None).model_copy(update={"pools": pools})
        chosen = ScheduleOptions(rules=rules, seat_cap=cap, home_share=share,
                                 time_limit=limit, workers=PAGE_WORKERS)
        federation = views.on_federation(who)

        def run() -> dict[str, Any]:
            from renfort.planning.files import coverage_csv, shifts_csv

            if federation and cap is None:
                result = PlanningService(rt.engine, rt.clock).schedule_on_federation(
                    who, plan_csv, chosen)
            else:
                result = schedule_plan(plan_csv, chosen)
            return views.schedule_context(shifts_csv(result), coverage_csv(result),
                                          views.schedule_summary(result))

        context["schedule"] = await asyncio.to_thread(run)
    except RenfortError as error:
        context["error"] = error_text(error)
    context.setdefault("carry", {})["plan_csv"] = plan_csv
    return views.render_planner(request, rt, who, context)


@router.post("/replay")
async def replay(request: Request, rt: RuntimeDep, who: WebPrincipal,
                 forecast_csv: Carried, plan_csv: Carried, shifts_csv: Carried,
                 coverage_csv: Carried, schedule_summary: Carried,
                 model: Carried = "erlang-a", service_level: Carried = "0.8",
                 within: Carried = "60", shrinkage: Carried = "0",
                 replications: Annotated[int, Form()] = 5,
                 seed: Annotated[int, Form()] = 1) -> HTMLResponse:
    """Step 4: the forecast day simulated with the shifts given to real agents."""
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage, "replications": replications, "seed": seed}
    context: dict[str, Any] = {"form": form}
    try:
        options = views.staffing_options(model, service_level, within, shrinkage)
        context.update(await _earlier_steps(forecast_csv, plan_csv, options))
        context["schedule"] = views.schedule_context(shifts_csv, coverage_csv,
                                                     schedule_summary)
        if not 1 <= replications <= 50:
            raise refusal(message("planner.bad_range", field=message(
                "planner.replications"), low="1", high="50"), {"field": "replications"})
        service = PlanningService(rt.engine, rt.clock)

        def run() -> dict[str, Any]:
            report = service.replay(who, forecast_csv, shifts_csv, replications=replications,
                                    seed=seed, max_work=MAX_REPLAY_WORK)
            return {**views.simulation_context(report, options.service_level),
                    "staffed": report["staffing"]}

        context["replay"] = await asyncio.to_thread(run)
    except RenfortError as error:
        context["error"] = error_text(error)
    context.setdefault("carry", {})["plan_csv"] = plan_csv
    return views.render_planner(request, rt, who, context)


@router.post("/save")
def save(request: Request, rt: RuntimeDep, who: WebPrincipal, name: Annotated[str, Form()],
         forecast_csv: Carried = "", plan_csv: Carried = "", shifts_csv: Carried = "",
         coverage_csv: Carried = "", schedule_summary: Carried = "",
         replay_csv: Carried = "") -> Response:
    """Keep the files shown on the page as a plan of the caller's tenant."""
    allow(who, "planner")
    try:
        summary = json.loads(schedule_summary) if schedule_summary.strip() else {}
        if not isinstance(summary, dict):
            summary = {}
    except ValueError:
        summary = {}
    try:
        SavedPlanService(rt.engine, rt.clock).save(
            who, name, {"forecast": forecast_csv, "staffing": plan_csv, "shifts": shifts_csv,
                        "coverage": coverage_csv, "replay": replay_csv},
            {"schedule": summary} if summary else {})
    except RenfortError as error:
        return views.render_planner(request, rt, who, {"error": error_text(error)})
    return RedirectResponse("/planner?saved=1", status_code=303)


@router.get("/saved/{plan_id}/{artefact}.csv")
def saved_file(plan_id: str, artefact: str, rt: RuntimeDep, who: WebPrincipal) -> Response:
    allow(who, "planner")
    text = SavedPlanService(rt.engine, rt.clock).file(who, plan_id, artefact)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{artefact}.csv"'})


@router.post("/saved/{plan_id}/delete")
def saved_delete(request: Request, plan_id: str, rt: RuntimeDep,
                 who: WebPrincipal) -> Response:
    allow(who, "planner")
    try:
        SavedPlanService(rt.engine, rt.clock).delete(who, plan_id)
    except RenfortError as error:
        return views.render_planner(request, rt, who, {"error": error_text(error)})
    return RedirectResponse("/planner?saved=0", status_code=303)

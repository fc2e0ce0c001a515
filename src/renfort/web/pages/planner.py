"""Planning (``/planner``): upload a forecast CSV → agents required per queue and interval
(table and chart) → replay the plan in the simulator → service level against the target;
both results download as CSV.

The page keeps no state on the server: the plan travels back in the form that asks for a
simulation or a download, and is parsed and checked again each time.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.domain.errors import RenfortError, ValidationError
from renfort.services.simulations import run_simulation, scenario_from_plan
from renfort.services.staffing import (
    COLUMNS,
    Remark,
    StaffingOptions,
    StaffingPlan,
    parse_forecast_csv,
    plan_staffing,
)
from renfort.simulation.report import csv_rows
from renfort.web.charts import line_chart
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import message, number, paris_time, percent

router = APIRouter(prefix="/planner", dependencies=[Depends(check_origin)])
MAX_UPLOAD = 2_000_000
MAX_ROWS = 3_000
"""Larger forecasts go through ``renfort plan`` or the JSON API."""
MAX_SIM_WORK = 400_000.0
"""Expected calls × replications the page simulates; beyond, ``renfort simulate``."""
OUTPUT_COLUMNS = ("load_erlangs", "agents", "scheduled_heads", "sl", "asa_seconds",
                  "abandon_rate", "occupancy")


def _plan_csv(plan: StaffingPlan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, *OUTPUT_COLUMNS])
    for row in plan.rows:
        data = row.model_dump(mode="json")
        writer.writerow(["" if data[c] is None else
                         (f"{data[c]:.6g}" if isinstance(data[c], float) else data[c])
                         for c in (*COLUMNS, *OUTPUT_COLUMNS)])
    return buffer.getvalue()


def _by_queue(plan: StaffingPlan) -> tuple[list[str], dict[str, list[float | None]]]:
    starts = sorted({r.interval_start for r in plan.rows})
    index = {s: i for i, s in enumerate(starts)}
    series: dict[str, list[float | None]] = OrderedDict()
    for row in plan.rows:
        points = series.setdefault(row.queue, [None] * len(starts))
        points[index[row.interval_start]] = float(row.agents)
    return [paris_time(s, "%H:%M") for s in starts], series


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


def _options(model: str, service_level: str, within: str, shrinkage: str) -> StaffingOptions:
    try:
        return StaffingOptions.model_validate({
            "model": model, "service_level": float(service_level.replace(",", ".")),
            "within_seconds": float(within.replace(",", ".")),
            "shrinkage": float(shrinkage.replace(",", ".") or 0)})
    except ValueError as error:
        raise ValidationError(message("planner.bad_options", detail=str(error).splitlines()[0]),
                              {"field": "options"}) from None


def _staffing_context(text: str, options: StaffingOptions) -> dict[str, Any]:
    rows = parse_forecast_csv(text)
    if len(rows) > MAX_ROWS:
        raise ValidationError(message("planner.too_many", n=MAX_ROWS), {"field": "file"})
    plan = plan_staffing(rows, options)
    labels, series = _by_queue(plan)
    chart = line_chart(series, labels, title=message("planner.chart_agents"),
                       y_format=lambda v: f"{v:g}", bars=len(labels) <= 16)
    peak = max((r.agents for r in plan.rows), default=0)
    return {"plan": plan, "chart": chart, "series": list(series), "plan_csv": _plan_csv(plan),
            "peak": peak, "options": options, "remarks": [_remark(r) for r in plan.remarks]}


_RATE_DIGITS = {"cap": 0, "lost": 1, "worst": 1}
"""Remark figures that are rates (fractions), with the decimals they are shown with."""


def _remark(remark: Remark) -> str:
    """A staffing remark in the catalog's words, its figures written the French way."""
    values = {key: percent(value, _RATE_DIGITS[key]) if key in _RATE_DIGITS else number(value)
              for key, value in remark.values.items()}
    return message(f"planner.remark.{remark.code}", **values)


def _simulation_context(plan_csv: str, replications: int, seed: int, sl_target: float,
                        sl_seconds: float) -> dict[str, Any]:
    scenario = scenario_from_plan(plan_csv, sl_target=sl_target, sl_seconds=sl_seconds,
                                  name="plan")
    report = run_simulation(scenario, replications=replications, seed=seed,
                            max_work=MAX_SIM_WORK)
    labels = [paris_time(iv["start"].replace("Z", "+00:00"), "%H:%M")
              for iv in report["queues"][0]["intervals"]] if report["queues"] else []
    series = {q["queue"]: [iv["service_level"] for iv in q["intervals"]]
              for q in report["queues"]}
    chart = line_chart(series, labels, title=message("planner.chart_sl"), y_max=1.0,
                       target=sl_target, target_label=message(
                           "planner.target", target=percent(sl_target)),
                       y_format=percent)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
    return {"report": report, "chart": chart, "series": list(series),
            "report_csv": buffer.getvalue(), "sl_target": sl_target}


def _form_defaults() -> dict[str, Any]:
    return {"model": "erlang-a", "service_level": "0.8", "within": "60", "shrinkage": "0.3"}


@router.get("")
def planner_page(request: Request, who: WebPrincipal) -> HTMLResponse:
    allow(who, "planner")
    return page(request, "planner/page.html", who, "planner", {"form": _form_defaults()})


@router.get("/sample.csv")
def sample(rt: RuntimeDep, who: WebPrincipal) -> Response:
    allow(who, "planner")
    now = datetime.fromtimestamp(rt.clock.now(), tz=UTC)
    return Response(sample_forecast(now), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="prevision.csv"'})


@router.post("/staffing")
async def staffing(request: Request, who: WebPrincipal, file: UploadFile,
                   model: Annotated[str, Form()] = "erlang-a",
                   service_level: Annotated[str, Form()] = "0.8",
                   within: Annotated[str, Form()] = "60",
                   shrinkage: Annotated[str, Form()] = "0") -> HTMLResponse:
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage}
    try:
        raw = await file.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise ValidationError(message("planner.too_big"), {"field": "file"})
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(message("planner.not_utf8"), {"field": "file"}) from None
        options = _options(model, service_level, within, shrinkage)
        staffing = await asyncio.to_thread(_staffing_context, text, options)
    except RenfortError as error:
        return page(request, "planner/page.html", who, "planner",
                    {"form": form, "error": error_text(error)})
    return page(request, "planner/page.html", who, "planner",
                {"form": form, "staffing": staffing, "filename": file.filename})


@router.post("/simulate")
async def simulate(request: Request, who: WebPrincipal,
                   plan_csv: Annotated[str, Form()],
                   service_level: Annotated[str, Form()] = "0.8",
                   within: Annotated[str, Form()] = "60",
                   model: Annotated[str, Form()] = "erlang-a",
                   shrinkage: Annotated[str, Form()] = "0",
                   replications: Annotated[int, Form()] = 5,
                   seed: Annotated[int, Form()] = 1) -> HTMLResponse:
    """Replay the plan through the real router on a virtual clock."""
    allow(who, "planner")
    form = {"model": model, "service_level": service_level, "within": within,
            "shrinkage": shrinkage, "replications": replications, "seed": seed}
    try:
        options = _options(model, service_level, within, shrinkage)
        forecast = "\n".join(",".join(r.split(",")[:len(COLUMNS)])
                             for r in plan_csv.splitlines())
        staffing = await asyncio.to_thread(_staffing_context, forecast, options)
        simulation = await asyncio.to_thread(
            _simulation_context, plan_csv, replications, seed, options.service_level,
            options.within_seconds)
    except RenfortError as error:
        return page(request, "planner/page.html", who, "planner",
                    {"form": form, "error": error_text(error)})
    return page(request, "planner/page.html", who, "planner",
                {"form": form, "staffing": staffing, "simulation": simulation})


@router.post("/download")
def download(who: WebPrincipal, content: Annotated[str, Form()],
             name: Annotated[str, Form()] = "plan") -> Response:
    """The plan or the simulation as CSV (the text the page was given back)."""
    allow(who, "planner")
    filename = "simulation.csv" if name == "simulation" else "plan-effectifs.csv"
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

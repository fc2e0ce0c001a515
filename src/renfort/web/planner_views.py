"""What the planner page shows of each step: charts, tables and the CSV to download.

The page keeps no state on the server: each step's files travel back in the next form and
are parsed and checked again. These helpers turn a step's result (or its files) into the
template's context; the routes are in ``web/pages/planner.py`` and ``planner_chain.py``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import OrderedDict
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import ValidationError as PydanticError

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.planning.files import forecast_csv
from renfort.planning.forecast import Forecast, Note
from renfort.planning.schedule import Schedule
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.services.saved_plans import SavedPlanService
from renfort.services.staffing import (
    COLUMNS,
    Remark,
    StaffingOptions,
    StaffingPlan,
    parse_forecast_csv,
    plan_staffing,
)
from renfort.simulation.report import csv_rows
from renfort.web.catalogue_keys import PLURALS
from renfort.web.charts import line_chart
from renfort.web.refusals import invalid_input, refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import page
from renfort.web.templating import message, message_n, number, paris_time, percent

MAX_UPLOAD = 2_000_000
MAX_ROWS = 3_000
"""Larger forecasts go through ``renfort plan`` or the JSON API."""
OUTPUT_COLUMNS = ("load_erlangs", "agents", "scheduled_heads", "sl", "asa_seconds",
                  "abandon_rate", "occupancy")
CARRIED = ("forecast_csv", "plan_csv", "shifts_csv", "coverage_csv", "schedule_summary",
           "replay_csv")
"""Files the page hands from one step to the next in hidden fields."""


def _labels(starts: list[Any]) -> list[str]:
    days = {paris_time(s, "%d/%m") for s in starts}
    return [paris_time(s, "%d/%m %H:%M" if len(days) > 1 else "%H:%M") for s in starts]


def plan_csv(plan: StaffingPlan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, *OUTPUT_COLUMNS])
    for row in plan.rows:
        data = row.model_dump(mode="json")
        writer.writerow(["" if data[c] is None else
                         (f"{data[c]:.6g}" if isinstance(data[c], float) else data[c])
                         for c in (*COLUMNS, *OUTPUT_COLUMNS)])
    return buffer.getvalue()


QUEUE_NAMES: ContextVar[Mapping[str, str]] = ContextVar(
    "queue_names", default=MappingProxyType({}))
"""Queue slug → name for the request being served: the files name queues by slug, the
page (legends, tables, the charts' point titles) by the names the caller may see."""


async def name_queues(rt: RuntimeDep, who: WebPrincipal) -> None:
    """Router dependency of the planner pages: sets :data:`QUEUE_NAMES` for the request."""
    def read() -> dict[str, str]:
        return {str(q["slug"]): str(q["name"])
                for q in Catalog(rt.engine).list(KINDS["queues"], who)}

    QUEUE_NAMES.set(await asyncio.to_thread(read))


def _named(series: Mapping[str, list[float | None]]) -> dict[str, list[float | None]]:
    names = QUEUE_NAMES.get()
    return {names.get(key, key): values for key, values in series.items()}


def staffing_context(text: str, options: StaffingOptions) -> dict[str, Any]:
    rows = parse_forecast_csv(text)
    if len(rows) > MAX_ROWS:
        raise refusal(message("planner.too_many", n=MAX_ROWS), {"field": "file"})
    plan = plan_staffing(rows, options)
    starts = sorted({r.interval_start for r in plan.rows})
    index = {s: i for i, s in enumerate(starts)}
    series: dict[str, list[float | None]] = OrderedDict()
    for row in plan.rows:
        series.setdefault(row.queue, [None] * len(starts))[index[row.interval_start]] = \
            float(row.agents)
    labels = _labels(starts)
    chart = line_chart(_named(series), labels, title=message("planner.chart_agents"),
                       y_format=lambda v: f"{v:g}", bars=len(labels) <= 16)
    peak = max((r.agents for r in plan.rows), default=0)
    return {"plan": plan, "chart": chart, "series": list(series), "plan_csv": plan_csv(plan),
            "peak": peak, "options": options, "remarks": [remark(r) for r in plan.remarks]}


_RATE_DIGITS = {"cap": 0, "lost": 1, "worst": 1}
"""Remark figures that are rates (fractions), with the decimals they are shown with."""


def remark(item: Remark) -> str:
    """A staffing remark in the catalog's words, its figures written the French way."""
    values = {key: percent(value, _RATE_DIGITS[key]) if key in _RATE_DIGITS else number(value)
              for key, value in item.values.items()}
    return _counted(f"planner.remark.{item.code}", item.values, values)


def note(item: Note) -> str:
    """A forecast note in the catalog's words."""
    values: dict[str, object] = {}
    for key, value in item.values.items():
        if isinstance(value, int | float):
            values[key] = number(float(value), 2 if key == "factor" else 0)
        else:
            values[key] = value
    return _counted(f"planner.note.{item.code}", item.values, values)


def _counted(key: str, raw: Mapping[str, object], shown: Mapping[str, object]) -> str:
    """``key``'s text with ``shown`` figures, in the plural form its counting figure asks."""
    if key in PLURALS:
        return message_n(key, raw[PLURALS[key]], **shown)
    return message(key, **shown)


def forecast_context(text: str, result: Forecast | None = None) -> dict[str, Any]:
    """The forecast's chart (calls per interval and queue) from its CSV."""
    rows = parse_forecast_csv(text)
    if len(rows) > MAX_ROWS:
        raise refusal(message("planner.too_many", n=MAX_ROWS), {"field": "file"})
    starts = sorted({r.interval_start for r in rows})
    index = {s: i for i, s in enumerate(starts)}
    series: dict[str, list[float | None]] = OrderedDict()
    totals: dict[str, float] = OrderedDict()
    for r in rows:
        series.setdefault(r.queue, [None] * len(starts))[index[r.interval_start]] = r.volume
        totals[r.queue] = totals.get(r.queue, 0.0) + r.volume
    chart = line_chart(_named(series), _labels(starts), title=message("planner.chart_forecast"),
                       y_format=lambda v: f"{v:g}")
    out: dict[str, Any] = {"csv": text, "chart": chart, "series": list(series),
                           "totals": totals, "rows": len(rows),
                           "days": sorted({paris_time(s, "%d/%m/%Y") for s in starts})}
    if result is not None:
        out["notes"] = [note(n) for n in result.notes]
        out["surge"] = max((c.surge for c in result.cells), default=1.0)
    return out


def forecast_text(result: Forecast) -> str:
    return forecast_csv(result)


def schedule_summary(result: Schedule) -> str:
    s = result.summary
    return json.dumps({"agent_hours": s.agent_hours, "required_hours": s.required_hours,
                       "shortfall_interval_agents": s.shortfall_interval_agents,
                       "status": s.status, "gap": s.gap, "seconds": s.seconds,
                       "shifts": s.shifts, "home_hours": s.home_hours,
                       "peak_on_site": s.peak_on_site, "grid_minutes": s.grid_minutes})


def schedule_context(shifts: str, coverage: str, summary: str) -> dict[str, Any]:
    """The schedule's chart (agents required and scheduled, on site and at home, all
    queues) and figures, from its coverage CSV and summary."""
    try:
        figures = json.loads(summary)
        rows = list(csv.DictReader(io.StringIO(coverage)))
        totals: dict[str, list[int]] = OrderedDict()
        for r in rows:
            line = totals.setdefault(r["interval_start"], [0, 0, 0, 0, 0])
            for k, name in enumerate(("required", "scheduled", "on_site", "at_home",
                                      "shortfall")):
                line[k] += int(r[name])
        locations: dict[str, int] = {}
        for r in csv.DictReader(io.StringIO(shifts)):
            locations[r["location"]] = locations.get(r["location"], 0) + 1
    except (ValueError, KeyError, TypeError):
        raise refusal(message("planner.bad_schedule"), {"field": "schedule"}) from None
    starts = list(totals)
    names = [message("planner.required"), message("planner.scheduled"),
             message("planner.on_site"), message("planner.at_home")]
    series = {name: [float(totals[s][k]) for s in starts] for k, name in enumerate(names)}
    chart = line_chart(series, _labels(starts), title=message("planner.chart_schedule"),
                       y_format=lambda v: f"{v:g}")
    short = [(s, totals[s][4]) for s in starts if totals[s][4]]
    return {"summary": figures, "chart": chart, "series": names, "locations": locations,
            "short": short[:48], "shifts_csv": shifts, "coverage_csv": coverage,
            "summary_json": summary}


def simulation_context(report: dict[str, Any], sl_target: float) -> dict[str, Any]:
    labels = [paris_time(iv["start"].replace("Z", "+00:00"), "%H:%M")
              for iv in report["queues"][0]["intervals"]] if report["queues"] else []
    series = {q["queue"]: [iv["service_level"] for iv in q["intervals"]]
              for q in report["queues"]}
    chart = line_chart(_named(series), labels, title=message("planner.chart_sl"), y_max=1.0,
                       target=sl_target, target_label=message(
                           "planner.target", target=percent(sl_target)),
                       y_format=percent)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
    return {"report": report, "chart": chart, "series": list(series),
            "report_csv": buffer.getvalue(), "sl_target": sl_target}


def staffing_options(model: str, service_level: str, within: str,
                     shrinkage: str) -> StaffingOptions:
    values: dict[str, object] = {"model": model}
    for name, raw in (("service_level", service_level), ("within_seconds", within),
                      ("shrinkage", shrinkage)):
        try:
            values[name] = float(raw.replace(",", ".") or 0)
        except ValueError:
            raise invalid_input([{"loc": (name,), "type": "float_parsing",
                                  "msg": f"{raw!r} is not a number"}]) from None
    try:
        return StaffingOptions.model_validate(values)
    except PydanticError as error:
        raise invalid_input(error.errors()) from None


def form_defaults(now: datetime) -> dict[str, Any]:
    tomorrow = (now + timedelta(days=1)).astimezone(UTC).date().isoformat()
    return {"model": "erlang-a", "service_level": "0.8", "within": "60", "shrinkage": "0.3",
            "start": tomorrow, "days": "1", "country": "FR", "timezone": "Europe/Paris",
            "home_share": "0.3", "pools": "separate", "time_limit": "10", "seat_cap": "",
            "replications": 5, "seed": 1}


def on_federation(who: Principal) -> bool:
    """Whether the caller plans on the federation's sites and agents (else a seat cap)."""
    return who.role is Role.ADMIN or who.role in OUTSOURCER_ROLES


def render_planner(request: Request, rt: Runtime, who: Principal,
                   context: dict[str, Any]) -> HTMLResponse:
    now = datetime.fromtimestamp(rt.clock.now(), tz=UTC)
    form = {**form_defaults(now), **context.pop("form", {})}
    saved = saved_plans(rt, who)
    carry = carried(context)
    context.pop("carry", None)
    return page(request, "planner/page.html", who, "planner",
                {"form": form, "federation": on_federation(who), "saved": saved,
                 "carry": carry, "queue_names": QUEUE_NAMES.get(), **context})


def carried(context: dict[str, Any]) -> dict[str, str]:
    """The files of the steps shown, for the hidden fields of the next forms."""
    carry = dict.fromkeys(CARRIED, "")
    carry.update(context.get("carry", {}))
    if "forecast" in context:
        carry["forecast_csv"] = context["forecast"]["csv"]
    if "staffing" in context:
        carry["plan_csv"] = context["staffing"]["plan_csv"]
    if "schedule" in context:
        carry["shifts_csv"] = context["schedule"]["shifts_csv"]
        carry["coverage_csv"] = context["schedule"]["coverage_csv"]
        carry["schedule_summary"] = context["schedule"]["summary_json"]
    if "replay" in context:
        carry["replay_csv"] = context["replay"]["report_csv"]
    return carry


def saved_plans(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    """The caller's tenant's saved plans (the page lists them)."""
    return SavedPlanService(rt.engine, rt.clock).list(who)


async def upload_text(file: UploadFile | None, limit: int = MAX_UPLOAD) -> str | None:
    """An uploaded file's UTF-8 text (``None`` when no file was chosen)."""
    if file is None or not file.filename:
        return None
    raw = await file.read(limit + 1)
    if len(raw) > limit:
        raise refusal(message("planner.too_big", mb=limit // 1_000_000),
                      {"field": "file"})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refusal(message("planner.not_utf8"), {"field": "file"}) from None

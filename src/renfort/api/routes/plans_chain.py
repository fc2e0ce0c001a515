"""The planning chain over HTTP: forecast, backtest, schedule, replay on the federation.

Every endpoint takes JSON whose file-like fields carry the CSV text the CLI reads
(``history``, ``events``, ``staffing``, ``forecast``, ``schedule``) and answers the report
of the matching ``renfort plan … --json`` (``?format=csv`` for the forecast's CSV, or
``?format=shifts.csv|coverage.csv|seats.csv`` for the schedule's). Computations run in a
worker thread. A bad file is a 422 naming its line and column; nothing is stored.

Who: forecast, backtest and schedule on given files: admin, outsourcer managers,
supervisors, client viewers. The federation's sites and agents (``"federation": true``,
the replay): admin, and an outsourcer's managers and supervisors for their own.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import inline_schema
from renfort.domain.errors import ValidationError
from renfort.services import access
from renfort.services.principals import Role

router = APIRouter(tags=["planning"])
PLANNERS = (Role.OUTSOURCER_MANAGER, Role.SUPERVISOR, Role.CLIENT_VIEWER)
MAX_BODY = 10_000_000
MAX_TIME_LIMIT = 60.0
API_WORKERS = 2
"""CP-SAT workers of a schedule asked over HTTP: the server's other work keeps a core."""


class ForecastIn(BaseModel):
    """A history (and events) and what to forecast, as ``renfort plan forecast``."""

    model_config = ConfigDict(extra="forbid")
    history: str = Field(min_length=1, description="history CSV (queue, interval_start, "
                                                   "interval_minutes, volume, …)")
    events: str | None = Field(None, description="events CSV (at, kind[, factor, "
                                                 "decay_hours, queue])")
    start: date
    days: int = Field(1, ge=1, le=366, description="open days to forecast")
    interval_minutes: int | None = Field(None, ge=1, le=1440)
    country: str | None = Field("FR", description="public holidays (ISO code); null: none")
    subdivision: str | None = None
    timezone: str | None = Field(None, description="e.g. Europe/Paris; null: as written")
    aht_seconds: float = Field(300.0, gt=0, allow_inf_nan=False)
    patience_seconds: float = Field(180.0, gt=0, allow_inf_nan=False)


class BacktestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    history: str = Field(min_length=1)
    events: str | None = None
    horizon: int = Field(20, ge=1, le=120)
    origins: int = Field(8, ge=1, le=200)
    step: int = Field(5, ge=1, le=120)
    interval_minutes: int | None = Field(None, ge=1, le=1440)
    country: str | None = "FR"
    subdivision: str | None = None


class SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site: str = Field(min_length=1, max_length=63)
    seats: int = Field(ge=0, le=100_000)


class ScheduleIn(BaseModel):
    """A staffing plan and how to schedule it, as ``renfort plan schedule``."""

    model_config = ConfigDict(extra="forbid")
    staffing: str = Field(min_length=1, description="staffing plan CSV (plan staffing)")
    rules: str | dict[str, Any] | None = Field(None, description="shift rules (YAML text or "
                                                                 "an object); null: default")
    seat_cap: int | None = Field(None, ge=0, le=100_000)
    sites: list[SiteIn] | None = None
    federation: bool = Field(False, description="your sites (distancing capacity) and "
                                                "agents")
    home_share: float = Field(0.0, ge=0.0, le=1.0)
    requirement: Literal["scheduled_heads", "agents"] = "scheduled_heads"
    time_limit: float = Field(10.0, ge=0.1, le=MAX_TIME_LIMIT)


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    forecast: str = Field(min_length=1, description="forecast CSV (plan forecast)")
    schedule: str = Field(min_length=1, description="shifts CSV (plan schedule)")
    replications: int = Field(5, ge=1, le=100)
    seed: int = Field(1, ge=0, le=2**32 - 1)


M = TypeVar("M", bound=BaseModel)


async def _body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ValidationError("the request is larger than 10 MB", {"field": "body"})
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ValidationError("send JSON", {"field": "content-type"})
    try:
        return model.model_validate_json(raw)
    except ValueError as error:
        lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
        detail = " ".join(lines[1:3]) if len(lines) > 1 else str(error)
        raise ValidationError(f"invalid request: {detail}", {"field": "body"}) from None


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"timezone: unknown time zone {name!r}",
                              {"field": "timezone"}) from None


def _run_forecast(body: ForecastIn) -> Any:
    from renfort.planning.forecast import ForecastRequest, forecast
    from renfort.planning.history import parse_events_csv, parse_history_csv

    rows = parse_history_csv(body.history)
    events = tuple(parse_events_csv(body.events)) if body.events else ()
    return forecast(rows, ForecastRequest(
        start=body.start, days=body.days, interval_minutes=body.interval_minutes,
        country=body.country, subdivision=body.subdivision, zone=_zone(body.timezone),
        events=events, aht_seconds=body.aht_seconds, patience_seconds=body.patience_seconds))


@router.post("/forecast", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": inline_schema(ForecastIn)}}}})
async def forecast(request: Request, who: PrincipalDep,
                   format: Literal["json", "csv"] = "json") -> Any:
    """Calls per queue and interval for the open days ahead, with their 80 % interval,
    announcement surges and the notes on holidays and defaults."""
    access.require(who, *PLANNERS)
    body = await _body(request, ForecastIn)
    result = await asyncio.to_thread(_run_forecast, body)
    if format == "csv":
        from renfort.planning.files import forecast_csv

        return _csv(forecast_csv(result), "prevision.csv")
    from renfort.planning.reports import forecast_report

    return forecast_report(result)


@router.post("/backtest", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": inline_schema(BacktestIn)}}}})
async def backtest(request: Request, who: PrincipalDep) -> dict[str, Any]:
    """WAPE and bias per horizon from rolling origins, against seasonal-naive and a 4-week
    average."""
    access.require(who, *PLANNERS)
    body = await _body(request, BacktestIn)

    def run() -> dict[str, Any]:
        from renfort.planning.backtest import BacktestRequest
        from renfort.planning.backtest import backtest as score
        from renfort.planning.history import parse_events_csv, parse_history_csv
        from renfort.planning.reports import backtest_report

        rows = parse_history_csv(body.history)
        events = tuple(parse_events_csv(body.events)) if body.events else ()
        return backtest_report(score(rows, BacktestRequest(
            horizon=body.horizon, origins=body.origins, step=body.step,
            interval_minutes=body.interval_minutes, country=body.country,
            subdivision=body.subdivision, events=events)))

    return await asyncio.to_thread(run)


@router.post("/schedule", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": inline_schema(ScheduleIn)}}}})
async def schedule(request: Request, who: PrincipalDep, rt: RuntimeDep,
                   format: Literal["json", "shifts.csv", "coverage.csv", "seats.csv"] = "json"
                   ) -> Any:
    """Shifts covering the staffing plan within the sites' seats (one CP-SAT model over
    every queue); never infeasible: the shortfall is reported."""
    access.require(who, *PLANNERS)
    body = await _body(request, ScheduleIn)
    if body.federation:
        from renfort.services.planning import require_federation

        require_federation(who)
        if body.seat_cap is not None or body.sites is not None:
            raise ValidationError("federation uses your sites: no seat_cap or sites with it",
                                  {"field": "federation"})

    def run() -> Any:
        from renfort.planning.schedule import SiteCapacity
        from renfort.planning.shift_rules import parse_rules
        from renfort.services.planning import (
            PlanningService,
            ScheduleOptions,
            rules_from_text,
            schedule_plan,
        )

        rules = (parse_rules(body.rules) if isinstance(body.rules, dict)
                 else rules_from_text(body.rules))
        options = ScheduleOptions(
            rules=rules, seat_cap=body.seat_cap,
            sites=[SiteCapacity(s.site, s.seats) for s in body.sites]
            if body.sites is not None else None,
            home_share=body.home_share, requirement=body.requirement,
            time_limit=body.time_limit, workers=min(API_WORKERS, os.cpu_count() or 1))
        if body.federation:
            return PlanningService(rt.engine, rt.clock).schedule_on_federation(
                who, body.staffing, options)
        return schedule_plan(body.staffing, options)

    result = await asyncio.to_thread(run)
    if format != "json":
        from renfort.planning import files

        writer = {"shifts.csv": files.shifts_csv, "coverage.csv": files.coverage_csv,
                  "seats.csv": files.seats_csv}[format]
        return _csv(writer(result), format)
    from renfort.planning.reports import schedule_report

    return schedule_report(result)


@router.post("/replay", openapi_extra={"requestBody": {"content": {
    "application/json": {"schema": inline_schema(ReplayIn)}}}})
async def replay(request: Request, who: PrincipalDep, rt: RuntimeDep) -> dict[str, Any]:
    """The forecast day simulated through the real router, the schedule's shifts given to
    the federation's real agents (yours, unless admin): the report of ``renfort simulate``
    plus how the shifts were staffed."""
    from renfort.services.planning import PlanningService, require_federation

    require_federation(who)
    body = await _body(request, ReplayIn)
    service = PlanningService(rt.engine, rt.clock)
    return await asyncio.to_thread(service.replay, who, body.forecast, body.schedule,
                                   replications=body.replications, seed=body.seed)

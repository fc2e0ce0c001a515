"""``renfort plan``: the planning chain from the command line, a thin shell over
``renfort.planning`` and ``services.staffing`` / ``services.planning``.

``forecast`` (history → calls per interval), ``backtest`` (how good the forecast was),
``staffing`` (calls → agents, Erlang), ``schedule`` (agents → shifts within seats). Bad
input ends a command with one line on stderr and exit code 2; nothing is written then,
because every result is computed before any output. Heavy libraries (SciPy, OR-Tools,
``holidays``) are imported by the commands that need them, so ``renfort --help`` stays
quick.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from renfort.domain.errors import RenfortError

if TYPE_CHECKING:
    from renfort.planning.backtest import Backtest, Score
    from renfort.planning.forecast import Forecast, ForecastCell
    from renfort.planning.schedule import Schedule
    from renfort.services.staffing import StaffingPlan

app = typer.Typer(help="Plan tomorrow: staffing per queue and interval.", no_args_is_help=True)
_out = Console()
_err = Console(stderr=True)

_FLAGS = {"service_level": "--sl", "within_seconds": "--within", "max_asa_seconds": "--max-asa",
          "max_abandon": "--max-abandon", "max_occupancy": "--max-occupancy",
          "shrinkage": "--shrinkage", "sl_basis": "--sl-basis", "model": "--model"}
OUTPUT_COLUMNS = ("load_erlangs", "agents", "scheduled_heads", "sl", "asa_seconds",
                  "abandon_rate", "occupancy")


class ModelName(StrEnum):
    """Queueing model: Erlang A counts callers who hang up, Erlang C does not."""

    erlang_a = "erlang-a"
    erlang_c = "erlang-c"


class SlBasis(StrEnum):
    """Which calls the service level is counted on."""

    offered = "offered"
    answered = "answered"


@app.callback()
def plan() -> None:
    """Plan tomorrow: staffing per queue and interval."""


@app.command("staffing")
def staffing(
    forecast: Annotated[Path, typer.Option(help="forecast CSV: queue, interval_start, "
                                           "interval_minutes, volume, aht_seconds"
                                           "[, patience_seconds]")],
    model: Annotated[ModelName, typer.Option(help="erlang-a counts callers who hang up")] = (
        ModelName.erlang_a
    ),
    sl: Annotated[float, typer.Option(help="share of calls answered in time")] = 0.8,
    within: Annotated[float, typer.Option(help="answer-time threshold, seconds")] = 60.0,
    max_asa: Annotated[float | None, typer.Option(help="max average speed of answer, s")] = None,
    max_abandon: Annotated[float | None, typer.Option(
        help="max share of callers hanging up (erlang-a; default 0.05, 1 to lift it)")] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="max agent occupancy")] = None,
    shrinkage: Annotated[float, typer.Option(help="share of paid time off the phone")] = 0.0,
    sl_basis: Annotated[SlBasis, typer.Option(help="count SL on offered or answered calls")] = (
        SlBasis.offered
    ),
    as_json: Annotated[bool, typer.Option("--json", help="print the plan as JSON")] = False,
    output: Annotated[Path | None, typer.Option(help="write a CSV: input columns + outputs")] = (
        None
    ),
) -> None:
    """Agents needed per queue and interval to meet the targets, from a forecast CSV."""
    import pydantic  # here, not at the top: it weighs on the start-up of every command

    from renfort.services.staffing import StaffingOptions, parse_forecast_csv, plan_staffing

    if as_json and output is not None:
        _fail("choose either --json or --output")
    try:
        text = forecast.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {forecast}: {getattr(error, 'strerror', None) or error}")
    try:
        options = StaffingOptions(
            model=model.value, service_level=sl, within_seconds=within, max_asa_seconds=max_asa,
            max_abandon=max_abandon, max_occupancy=max_occupancy, shrinkage=shrinkage,
            sl_basis=sl_basis.value,
        )
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        _fail(f"{_FLAGS.get(str(first['loc'][0]), first['loc'][0])}: {first['msg']}")
    try:
        result = plan_staffing(parse_forecast_csv(text), options)
    except RenfortError as error:
        _fail(f"{forecast.name}: {error.message}")
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif output is not None:
        payload = _csv(result, with_patience="patience_seconds" in _header(text))
        try:
            output.write_text(payload, encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {output}: {error.strerror or error}")
        _out.print(f"wrote {len(result.rows)} rows to {output}", highlight=False)
        _print_notes(result)
    else:
        _out.print(_table(result))
        _print_notes(result)


def _fail(message: str) -> NoReturn:
    _err.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2)


def _header(text: str) -> list[str]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = ";" if ";" in first and "," not in first else ","
    return [c.strip() for c in first.split(sep)]


def _csv(result: StaffingPlan, *, with_patience: bool) -> str:
    from renfort.services.staffing import COLUMNS

    columns = [c for c in COLUMNS if with_patience or c != "patience_seconds"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*columns, *OUTPUT_COLUMNS])
    for row in result.rows:
        data = row.model_dump(mode="json")
        writer.writerow([_cell(data[c]) for c in (*columns, *OUTPUT_COLUMNS)])
    return buffer.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _table(result: StaffingPlan) -> Table:
    t = result.targets
    title = (f"{t.model}: {t.service_level:.0%} within {t.within_seconds:g} s"
             f" ({t.sl_basis} calls)")
    if t.max_abandon is not None:
        title += f", abandon ≤ {t.max_abandon:.0%}"
    if t.max_asa_seconds is not None:
        title += f", ASA ≤ {t.max_asa_seconds:g} s"
    if t.max_occupancy is not None:
        title += f", occupancy ≤ {t.max_occupancy:.0%}"
    title += f", shrinkage {t.shrinkage:.0%}"
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)
    table.add_column("queue", no_wrap=True)
    table.add_column("start UTC", no_wrap=True)
    for name in ("calls", "agents", "heads", "SL", "ASA s", "abandon", "occ."):
        table.add_column(name, justify="right")
    def abandon(rate: float) -> str:
        return "-" if t.model == "erlang-c" else f"{rate:.1%}"

    for r in result.rows:
        table.add_row(r.queue, r.interval_start.strftime("%d/%m %H:%M"), f"{r.volume:g}",
                      str(r.agents), str(r.scheduled_heads), f"{r.sl:.1%}",
                      f"{r.asa_seconds:.1f}", abandon(r.abandon_rate), f"{r.occupancy:.1%}")
    hours = sum(r.scheduled_heads * r.interval_minutes for r in result.rows) / 60.0
    table.caption = f"{len(result.rows)} intervals, {hours:,.0f} scheduled agent-hours"
    return table


def _print_notes(result: StaffingPlan) -> None:
    for note in result.notes:
        _out.print(f"note: {note}", highlight=False, markup=False)


# ---------------------------------------------------------------------------- forecast


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read {path}: {getattr(error, 'strerror', None) or error}")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}")


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(f"--timezone: unknown time zone {name!r} (e.g. Europe/Paris)")


def _country(value: str) -> str | None:
    return None if value.lower() == "none" else value


@app.command("forecast")
def forecast_command(
    history: Annotated[Path, typer.Option(help="history CSV: queue, interval_start, "
                                          "interval_minutes, volume[, aht_seconds, "
                                          "patience_seconds, event]")],
    start: Annotated[str, typer.Option(help="first day to forecast (YYYY-MM-DD)")],
    days: Annotated[int, typer.Option(help="days the line is open to forecast from --start "
                                      "(closed days are skipped)")] = 1,
    events: Annotated[Path | None, typer.Option(
        help="events CSV: at, kind[, factor, decay_hours, queue]")] = None,
    interval_minutes: Annotated[int | None, typer.Option(
        help="interval of the forecast (default: the history's); shorter history rows are "
             "summed into it")] = None,
    country: Annotated[str, typer.Option(help="public holidays of this country (ISO code; "
                                         "none for none)")] = "FR",
    subdivision: Annotated[str | None, typer.Option(help="region of the country, e.g. 57 "
                                                    "for Moselle")] = None,
    timezone: Annotated[str | None, typer.Option(
        help="local time of the line, e.g. Europe/Paris (default: as written in the "
             "history)")] = None,
    aht: Annotated[float, typer.Option(help="handle time (s) where the history has none")] = (
        300.0),
    patience: Annotated[float, typer.Option(
        help="patience (s) where the history has none")] = 180.0,
    as_json: Annotated[bool, typer.Option("--json", help="print the forecast as JSON")] = False,
    output: Annotated[Path | None, typer.Option(
        help="write the forecast CSV (what 'plan staffing --forecast' reads)")] = None,
) -> None:
    """Calls per queue and interval for the days ahead, with an 80 % interval."""
    from renfort.planning.files import forecast_csv
    from renfort.planning.forecast import ForecastRequest, forecast
    from renfort.planning.history import parse_events_csv, parse_history_csv
    from renfort.planning.reports import forecast_report

    if as_json and output is not None:
        _fail("choose either --json or --output")
    try:
        first = date.fromisoformat(start)
    except ValueError:
        _fail(f"--start: {start!r} is not a date (YYYY-MM-DD)")
    history_text = _read(history)
    events_text = _read(events) if events is not None else None
    try:
        rows = parse_history_csv(history_text)
        parsed = tuple(parse_events_csv(events_text)) if events_text is not None else ()
        request = ForecastRequest(start=first, days=days, interval_minutes=interval_minutes,
                                  country=_country(country), subdivision=subdivision,
                                  zone=_zone(timezone),
                                  events=parsed, aht_seconds=aht, patience_seconds=patience)
        result = forecast(rows, request)
    except RenfortError as error:
        _fail(error.message)
    if as_json:
        typer.echo(json.dumps(forecast_report(result), ensure_ascii=False, indent=2))
        return
    if output is not None:
        _write(output, forecast_csv(result))
        _out.print(f"wrote {len(result.cells)} rows to {output}", highlight=False)
    else:
        _out.print(_forecast_table(result))
    for note in result.notes:
        _out.print(f"note: {note.text}", highlight=False, markup=False)


def _forecast_table(result: Forecast) -> Table:
    table = Table(title=f"forecast, {len(result.days)} day(s) of {result.minutes}-minute "
                        "intervals", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("queue", no_wrap=True)
    table.add_column("day", no_wrap=True)
    for name in ("calls", "80 % interval", "peak", "at", "surge"):
        table.add_column(name, justify="right")
    days: dict[tuple[str, str], list[ForecastCell]] = {}
    for c in result.cells:
        days.setdefault((c.queue, c.start.date().isoformat()), []).append(c)
    for (queue, day), cells in days.items():
        total = sum(c.volume for c in cells)
        low = sum(c.volume_low for c in cells)
        high = sum(c.volume_high for c in cells)
        peak = max(cells, key=lambda c: c.volume)
        surge = max(c.surge for c in cells)
        table.add_row(queue, day, f"{total:,.0f}", f"{low:,.0f}–{high:,.0f}",
                      f"{peak.volume:,.0f}", f"{peak.start:%H:%M}",
                      f"×{surge:.2f}" if surge > 1.0 else "-")
    table.caption = "interval bounds summed per day (a wide band: slots are not independent)"
    return table


@app.command("backtest")
def backtest_command(
    history: Annotated[Path, typer.Option(help="history CSV (as for 'plan forecast')")],
    horizon: Annotated[int, typer.Option(help="open days forecast from each origin")] = 20,
    origins: Annotated[int, typer.Option(help="rolling origins, from the end back")] = 8,
    step: Annotated[int, typer.Option(help="open days between two origins")] = 5,
    interval_minutes: Annotated[int | None, typer.Option(
        help="interval scored (default: the history's)")] = None,
    country: Annotated[str, typer.Option(help="public holidays of this country")] = "FR",
    subdivision: Annotated[str | None, typer.Option(help="region of the country")] = None,
    events: Annotated[Path | None, typer.Option(help="events CSV")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the scores as JSON")] = False,
) -> None:
    """WAPE and bias per horizon against seasonal-naive and a 4-week average.

    Rolling origins over the history: each forecasts the next open days from the days
    before it only."""
    from renfort.planning.backtest import BacktestRequest, backtest
    from renfort.planning.history import parse_events_csv, parse_history_csv
    from renfort.planning.reports import backtest_report

    text = _read(history)
    events_text = _read(events) if events is not None else None
    try:
        rows = parse_history_csv(text)
        parsed = tuple(parse_events_csv(events_text)) if events_text is not None else ()
        result = backtest(rows, BacktestRequest(
            horizon=horizon, origins=origins, step=step, interval_minutes=interval_minutes,
            country=_country(country), subdivision=subdivision, events=parsed))
    except RenfortError as error:
        _fail(error.message)
    report = backtest_report(result)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _out.print(_backtest_table(result, report))


_METHOD_NAMES = {"renfort": "renfort", "seasonal_naive": "seasonal naive",
                 "four_week_average": "4-week avg"}


def _backtest_table(result: Backtest, report: dict[str, object]) -> Table:
    origins = result.origins
    table = Table(title=f"backtest: {len(origins)} origin(s) {origins[0]} … {origins[-1]}, "
                        f"{result.horizon} open days each", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    table.add_column("horizon", justify="right")
    for name in _METHOD_NAMES.values():
        table.add_column(f"{name} WAPE", justify="right")
        table.add_column("bias", justify="right")

    def cells(scores: dict[str, Score]) -> list[str]:
        out = []
        for method in _METHOD_NAMES:
            out += [_pct(scores[method].wape), _pct(scores[method].bias, signed=True)]
        return out

    for h in range(result.horizon):
        table.add_row(str(h + 1), *cells({m: result.by_horizon[m][h] for m in _METHOD_NAMES}))
    table.add_row("all", *cells(dict(result.overall)), style="bold")
    improvement = report.get("improvement")
    coverage = result.overall["renfort"].coverage
    table.caption = (f"WAPE = Σ|forecast − calls| / Σ calls; renfort vs the best baseline "
                     f"({_METHOD_NAMES[str(report['best_baseline'])]}): "
                     f"{_pct(improvement) if isinstance(improvement, float) else '-'} lower; "
                     f"calls inside the 80 % interval: {_pct(coverage)}")
    return table


def _pct(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


# ---------------------------------------------------------------------------- schedule


class Requirement(StrEnum):
    """Which staffing column the shifts must cover."""

    scheduled_heads = "scheduled_heads"
    agents = "agents"


def _default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


@app.command("schedule")
def schedule_command(
    staffing: Annotated[Path, typer.Option(help="staffing plan CSV ('plan staffing --output')")],
    seat_cap: Annotated[int | None, typer.Option(
        help="seats on site per interval, all queues together")] = None,
    sites: Annotated[Path | None, typer.Option(help="sites CSV: site, seats")] = None,
    federation: Annotated[bool, typer.Option(
        "--federation", help="the federation's sites (distancing capacity) and agents, from "
                             "the database")] = False,
    home_share: Annotated[float, typer.Option(
        help="largest share of agent-hours worked from home (0–1)")] = 0.0,
    shifts: Annotated[Path | None, typer.Option(
        help="shift rules (YAML): templates, breaks, start step, pools, telework")] = None,
    requirement: Annotated[Requirement, typer.Option(
        help="staffing column to cover")] = Requirement.scheduled_heads,
    time_limit: Annotated[float, typer.Option(help="seconds for the solver")] = 10.0,
    workers: Annotated[int | None, typer.Option(
        help="CP-SAT workers (default: the CPUs, at most 8)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the schedule as JSON")] = False,
    output: Annotated[Path | None, typer.Option(
        help="folder for shifts.csv, coverage.csv, seats.csv, summary.json")] = None,
) -> None:
    """Shifts covering the staffing plan within the seats of the sites.

    One CP-SAT model over every queue; where seats or agents run short, the shortfall is
    reported (never infeasible)."""
    from renfort.services.planning import ScheduleOptions, parse_sites_csv, rules_from_text
    from renfort.services.planning import schedule_plan as run

    if as_json and output is not None:
        _fail("choose either --json or --output")
    if sum(x is not None and x is not False for x in (seat_cap, sites, federation or None)) > 1:
        _fail("choose one of --seat-cap, --sites and --federation")
    plan_text = _read(staffing)
    rules_text = _read(shifts) if shifts is not None else None
    sites_text = _read(sites) if sites is not None else None
    try:
        options = ScheduleOptions(
            rules=rules_from_text(rules_text), seat_cap=seat_cap,
            sites=parse_sites_csv(sites_text) if sites_text is not None else None,
            home_share=home_share, requirement=requirement.value, time_limit=time_limit,
            workers=workers or _default_workers())
        result = _on_federation(plan_text, options) if federation else run(plan_text, options)
    except RenfortError as error:
        _fail(error.message)
    _emit_schedule(result, as_json=as_json, output=output)


def _on_federation(plan_text: str, options: object) -> Schedule:
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.planning import PlanningService, ScheduleOptions
    from renfort.services.principals import Principal, Role

    assert isinstance(options, ScheduleOptions)
    rt = build_runtime(Settings())
    operator = Principal(user_id="cli", username="cli", role=Role.ADMIN)
    return PlanningService(rt.engine, rt.clock).schedule_on_federation(operator, plan_text,
                                                                       options)


def _emit_schedule(result: Schedule, *, as_json: bool, output: Path | None) -> None:
    from renfort.planning.files import coverage_csv, seats_csv, shifts_csv
    from renfort.planning.reports import schedule_report

    report = schedule_report(result)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    if output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _fail(f"cannot write to {output}: {error.strerror or error}")
        _write(output / "shifts.csv", shifts_csv(result))
        _write(output / "coverage.csv", coverage_csv(result))
        _write(output / "seats.csv", seats_csv(result))
        _write(output / "summary.json", json.dumps(report["summary"], indent=2) + "\n")
        _out.print(f"wrote {output}/shifts.csv ({len(result.shifts)} shifts), coverage.csv, "
                   "seats.csv, summary.json", highlight=False)
    else:
        _out.print(_schedule_table(result))
    s = result.summary
    _out.print(f"{s.shifts} shifts, {s.agent_hours:,.1f} agent-hours for "
               f"{s.required_hours:,.1f} required; shortfall {s.shortfall_interval_agents} "
               f"interval-agents; {s.status} (gap {s.gap:.2%}) in {s.seconds:.1f} s",
               highlight=False)


def _schedule_table(result: Schedule) -> Table:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(result.time_zone)
    totals: dict[datetime, list[int]] = {}
    for c in result.coverage:
        row = totals.setdefault(c.start, [0, 0, 0, 0, 0])
        for k, v in enumerate((c.required, c.scheduled, c.on_site, c.at_home, c.shortfall)):
            row[k] += v
    seats: dict[datetime, list[int]] = {}
    for u in result.seats:
        row = seats.setdefault(u.start, [0, 0])
        row[0] += u.heads
        row[1] += u.seats
    table = Table(title=f"schedule, all queues ({result.summary.grid_minutes}-minute slots, "
                        f"{result.time_zone})", box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False)
    for name in ("start", "required", "scheduled", "on site", "at home", "short", "seated"):
        table.add_column(name, justify="right" if name != "start" else "left")
    for start, (req, sched, site, home, short) in sorted(totals.items()):
        seat = seats.get(start)
        table.add_row(f"{start.astimezone(zone):%d/%m %H:%M}",
                      str(req), str(sched), str(site), str(home), str(short) if short else "",
                      f"{seat[0]}/{seat[1]}" if seat else "")
    return table

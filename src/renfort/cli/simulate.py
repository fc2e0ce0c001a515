"""``renfort simulate``: a day of the hotline through the real router (a thin shell).

``renfort simulate SCENARIO.yaml``, ``renfort simulate --staffing PLAN.csv``, or
``renfort simulate --federation --forecast F.csv --schedule S.csv`` (the schedule's shifts
given to the federation's real agents, read from the database); see ``--help`` and README
("Simulation", "Planning"). A bad scenario or plan ends the command with one line on
stderr and exit code 2, before anything runs or is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from renfort.domain.errors import RenfortError

if TYPE_CHECKING:
    from renfort.simulation.scenario import Scenario

_out = Console(width=None if sys.stdout.isatty() else 110)
_err = Console(stderr=True)
LONG_RUN_CALLS = 300_000
"""Expected calls × replications from which a progress bar is shown and, unless
``--workers`` says otherwise, the work is spread over every CPU."""


def simulate(
    scenario: Annotated[Path | None, typer.Argument(
        help="scenario file (YAML or JSON); leave out with --staffing")] = None,
    staffing: Annotated[Path | None, typer.Option(
        help="replay a plan: the CSV written by 'renfort plan staffing --output'")] = None,
    replications: Annotated[int, typer.Option(help="independent days simulated", min=1,
                                              max=1000)] = 20,
    seed: Annotated[int, typer.Option(help="same seed, same result")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    output: Annotated[Path | None, typer.Option(
        help="folder for simulation.json, simulation.csv and service_level.svg")] = None,
    workers: Annotated[int | None, typer.Option(
        help="processes (default: every CPU for long runs, else 1)", min=1)] = None,
    heads: Annotated[bool, typer.Option(
        help="with --staffing: staff scheduled_heads instead of agents")] = False,
    sl: Annotated[float, typer.Option(help="with --staffing: service-level target")] = 0.8,
    within: Annotated[float, typer.Option(help="with --staffing: answer-time threshold, s")] = (
        60.0),
    federation: Annotated[bool, typer.Option(
        "--federation", help="replay --forecast with the shifts of --schedule given to the "
                             "federation's real agents (from the database)")] = False,
    forecast: Annotated[Path | None, typer.Option(
        help="with --federation: the forecast CSV ('plan forecast --output')")] = None,
    schedule: Annotated[Path | None, typer.Option(
        help="with --federation: the shifts CSV ('plan schedule --output DIR')")] = None,
) -> None:
    """Simulate a day (a staffing plan, or a schedule on the real federation) through the
    production routing rules."""
    # the simulator (NumPy, SciPy) loads with the command, not with 'renfort --help'
    from renfort.services.simulations import expected_calls, run_simulation
    from renfort.simulation.runner import default_workers, dumps, write_outputs

    staffed: dict[str, object] | None = None
    try:
        if federation or forecast is not None or schedule is not None:
            if scenario is not None or staffing is not None:
                _fail("--federation replays --forecast and --schedule: no scenario or "
                      "--staffing with it")
            day, staffed = _federation(federation, forecast, schedule)
        else:
            day = _scenario(scenario, staffing, heads=heads, sl=sl, within=within)
        work = expected_calls(day) * replications
        n = workers or (default_workers() if work >= LONG_RUN_CALLS else 1)
        if work >= LONG_RUN_CALLS and sys.stderr.isatty():
            with Progress("[progress.description]{task.description}", BarColumn(),
                          MofNCompleteColumn(), TimeElapsedColumn(), console=_err,
                          transient=True) as bar:
                task = bar.add_task("simulating", total=None)

                def step(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                report = run_simulation(day, replications=replications, seed=seed, workers=n,
                                        progress=step)
        else:
            report = run_simulation(day, replications=replications, seed=seed, workers=n)
    except RenfortError as error:
        _fail(error.message)
    if output is not None:
        try:
            paths = write_outputs(report, output)
        except OSError as error:
            _fail(f"cannot write to {output}: {error.strerror or error}")
        if not as_json:
            _err.print("wrote " + ", ".join(str(p) for p in paths), highlight=False)
    if staffed is not None:
        report = {**report, "staffing": staffed}
    if as_json:
        sys.stdout.write(dumps(report))
    else:
        _out.print(_table(report))
        if staffed is not None:
            _out.print(_staffed_line(staffed), highlight=False)


def _scenario(path: Path | None, plan: Path | None, *, heads: bool, sl: float,
              within: float) -> Scenario:
    from renfort.services.simulations import scenario_from_plan
    from renfort.simulation.runner import load_scenario_file

    if (path is None) == (plan is None):
        _fail("give a scenario file or --staffing PLAN.csv (one of them)")
    if plan is not None:
        try:
            text = plan.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            _fail(f"cannot read {plan}: {getattr(error, 'strerror', None) or error}")
        try:
            return scenario_from_plan(text, heads=heads, sl_target=sl, sl_seconds=within,
                                      name=plan.stem)
        except RenfortError as error:
            _fail(f"{plan.name}: {error.message}")
    assert path is not None
    return load_scenario_file(path)


def _federation(federation: bool, forecast: Path | None,
                schedule: Path | None) -> tuple[Scenario, dict[str, object]]:
    if not federation or forecast is None or schedule is None:
        _fail("give --federation with --forecast F.csv and --schedule S.csv")
    texts = []
    for path in (forecast, schedule):
        try:
            texts.append(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as error:
            _fail(f"cannot read {path}: {getattr(error, 'strerror', None) or error}")
    from renfort.bootstrap import build_runtime
    from renfort.config import Settings
    from renfort.services.planning import PlanningService, build_replay, staffed_out
    from renfort.services.principals import Principal, Role
    from renfort.simulation.scenario import parse_scenario

    rt = build_runtime(Settings())
    operator = Principal(user_id="cli", username="cli", role=Role.ADMIN)
    built = build_replay(texts[0], texts[1],
                         PlanningService(rt.engine, rt.clock).federation(operator))
    return parse_scenario({**built.scenario, "name": forecast.stem}), staffed_out(built)


def _staffed_line(staffed: dict[str, object]) -> str:
    places = staffed["by_place"]
    assert isinstance(places, dict)
    where = ", ".join(f"{place} {count}" for place, count in places.items())
    line = (f"{staffed['filled']} of {staffed['shifts']} shifts given to "
            f"{staffed['agents']} real agents ({where})")
    if staffed["unfilled"]:
        line += (f"; {staffed['unfilled']} shifts ({staffed['unfilled_hours']} h) found no "
                 "agent")
    return line


def _fail(message: str) -> NoReturn:
    _err.print(f"error: {message}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(2)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _sl(block: dict[str, object]) -> str:
    """Service level and the half-width of its 95 % interval, e.g. ``81.2% ±1.4``."""
    value = block["service_level"]
    ci = block["ci95"]
    assert isinstance(ci, dict)
    pair = ci.get("service_level")
    if not isinstance(value, float):
        return "-"
    if not pair:
        return f"{value:.1%}"
    return f"{value:.1%} ±{(pair[1] - pair[0]) * 50:.1f}"


def _table(report: dict[str, object]) -> Table:
    table = Table(title=f"{report['scenario']}: {report['replications']} replications, "
                  f"seed {report['seed']}", box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False, collapse_padding=True)
    table.add_column("queue", no_wrap=True)
    for name in ("offered", "answered", "abandoned", "SL ±95%", "abandon", "ASA s", "occ.",
                 "max wait"):
        table.add_column(name, justify="right")
    queues = report["queues"]
    total = report["total"]
    assert isinstance(queues, list) and isinstance(total, dict)
    for q in [*queues, {**total, "queue": "all"}]:
        table.add_row(
            str(q["queue"]), f"{q['offered']:,.0f}", f"{q['answered']:,.0f}",
            f"{q['abandoned']:,.0f}", _sl(q), _pct(q["abandon_rate"]),
            "-" if q["asa_seconds"] is None else f"{q['asa_seconds']:.1f}",
            _pct(q["occupancy"]),
            "-" if q["longest_wait_seconds"] is None else f"{q['longest_wait_seconds']:.0f}")
    table.caption = "means over replications; ± half-width of the 95 % interval (points)"
    return table

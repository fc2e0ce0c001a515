"""``renfort plan``: staffing from a forecast CSV (a thin shell over ``services.staffing``).

Bad input ends the command with one line on stderr and exit code 2; nothing is
written then, because the whole plan is computed before any output.
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import pydantic
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from renfort.domain.errors import RenfortError
from renfort.services.staffing import (
    COLUMNS,
    StaffingOptions,
    StaffingPlan,
    parse_forecast_csv,
    plan_staffing,
)

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

"""Running a simulation for real: scenario files, processes, progress, output files.

The I/O shell around the pure core: :func:`load_scenario_file` reads YAML or JSON (and the
files of empirical distributions, ``{kind: empirical, file: times.csv}``, relative to the
scenario); :func:`run_replications` spreads the (replication, component) tasks over a
``ProcessPoolExecutor`` and reports progress; :func:`write_outputs` writes the JSON report,
the CSV table and the SVG chart.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import yaml

from renfort.domain.csvtext import csv_buffer, csv_errors
from renfort.domain.errors import ValidationError
from renfort.simulation.chart import service_level_svg
from renfort.simulation.metrics import Replication
from renfort.simulation.replication import combine, run_task
from renfort.simulation.report import csv_rows
from renfort.simulation.scenario import Scenario, parse_scenario
from renfort.simulation.world import World

Progress = Callable[[int, int], None]
"""Called with (tasks done, tasks in all) as tasks complete."""


def load_scenario_file(path: Path) -> Scenario:
    """Read and validate a scenario (``.json``, else YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}",
                              {"field": "scenario"}) from None
    return parse_scenario_text(text, base=path.parent, json_only=path.suffix == ".json")


def parse_scenario_text(text: str, *, base: Path | None = None,
                        json_only: bool = False) -> Scenario:
    """Decode YAML (or JSON, which YAML reads too) and validate it."""
    try:
        data = json.loads(text) if json_only else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValidationError(f"scenario: not valid {'JSON' if json_only else 'YAML'}: {first}",
                              {"field": "scenario"}) from None
    if base is not None:
        data = _resolve_files(data, base, "")
    return parse_scenario(data)


def _resolve_files(node: Any, base: Path, path: str) -> Any:
    if isinstance(node, dict):
        if node.get("kind") == "empirical" and "file" in node:
            rest = {k: v for k, v in node.items() if k != "file"}
            return {**rest, "values": _numbers(base / str(node["file"]), f"{path}.file")}
        return {k: _resolve_files(v, base, f"{path}.{k}" if path else str(k))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve_files(v, base, f"{path}[{i}]") for i, v in enumerate(node)]
    return node


def _numbers(file: Path, path: str) -> list[float]:
    """First column of a CSV or text file, header lines that are not numbers skipped."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read {file}: {error.strerror or error}",
                              {"field": path}) from None
    values = []
    reader = csv.reader(csv_buffer(text))
    with csv_errors(reader):
        for row in reader:
            if row and row[0].strip():
                try:
                    values.append(float(row[0]))
                except ValueError:
                    continue
    if not values:
        raise ValidationError(f"{path}: no numbers in {file}", {"field": path})
    return values


_WORLD: World | None = None


def _init_worker(world: World) -> None:
    global _WORLD
    _WORLD = world


def _task(seed: int, replication: int, component: int) -> tuple[int, int, Replication]:
    assert _WORLD is not None
    return replication, component, run_task(_WORLD, seed, replication, component)


def run_replications(world: World, replications: int, seed: int, *, workers: int = 1,
                     progress: Progress | None = None) -> list[Replication]:
    """All replications; with ``workers > 1`` in that many processes. Same result either way."""
    tasks = [(r, c.index) for r in range(replications) for c in world.components]
    parts: dict[tuple[int, int], Replication] = {}
    done = 0
    if workers <= 1 or len(tasks) <= 1:
        for r, c in tasks:
            parts[(r, c)] = run_task(world, seed, r, c)
            done += 1
            if progress:
                progress(done, len(tasks))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                                 initializer=_init_worker, initargs=(world,)) as pool:
            futures = [pool.submit(_task, seed, r, c) for r, c in tasks]
            for future in as_completed(futures):
                r, c, part = future.result()
                parts[(r, c)] = part
                done += 1
                if progress:
                    progress(done, len(tasks))
    return [combine([parts[(r, c.index)] for c in world.components])
            for r in range(replications)]


def default_workers() -> int:
    """Processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def write_outputs(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write ``simulation.json``, ``simulation.csv`` and ``service_level.svg`` in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "simulation.json", folder / "simulation.csv",
             folder / "service_level.svg"]
    paths[0].write_text(dumps(report), encoding="utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report))
    paths[1].write_text(buffer.getvalue(), encoding="utf-8")
    paths[2].write_text(service_level_svg(report), encoding="utf-8")
    return paths


def dumps(report: dict[str, Any]) -> str:
    """The report as stable JSON text (sorted keys are not used: the order is meaningful)."""
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"

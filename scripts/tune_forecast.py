"""How the forecast's defaults (``renfort.planning.model.ModelSettings``) were chosen.

Tuning windows only: the US bank's history (``../shared/data/us_bank_calls_5min_2003``,
30-minute slots) is cut before its last 20 weekdays, which are never looked at here; from
that earlier part, 16 origins four days apart (2003-05-06 … 2003-07-31) each forecast the
next 20 weekdays. Coordinate descent over each knob's grid, twice, minimising the overall
WAPE. The README reports the later windows (``bench/planning.py``), which this script never
reads.

    .venv/bin/python scripts/tune_forecast.py [--source FILE] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from bank_calls_history import SOURCE, history_rows  # noqa: E402

from renfort.planning.backtest import BacktestRequest, backtest  # noqa: E402
from renfort.planning.history import HistoryRow, parse_history_csv  # noqa: E402
from renfort.planning.model import ModelSettings  # noqa: E402

GRID: dict[str, tuple[float, ...]] = {
    "level_half_life_days": (3.0, 5.0, 7.0, 10.0, 14.0, 21.0),
    "effects_half_life_days": (60.0, 120.0, 400.0, 10_000.0),
    "calendar_ridge": (0.03, 0.1, 0.3, 1.0, 3.0),
    "profile_half_life_days": (14.0, 28.0, 40.0, 80.0, 10_000.0),
    "profile_shrinkage": (0.0, 0.5, 1.0, 3.0, 10.0),
    "profile_calendar_shrinkage": (0.5, 2.0, 5.0, 20.0, 1e9),
}
REPORTED_DAYS = 20


def tuning_rows(source: Path) -> list[HistoryRow]:
    """The history without its last 20 days (kept for reporting)."""
    text = "\n".join(",".join(r) for r in history_rows(source, "bank"))
    rows = parse_history_csv(text)
    days = sorted({r.start.date() for r in rows})
    cut = days[-REPORTED_DAYS]
    return [r for r in rows if r.start.date() < cut]


def score(rows: list[HistoryRow], settings: ModelSettings) -> tuple[float, float]:
    result = backtest(rows, BacktestRequest(horizon=20, origins=16, step=4,
                                            interval_minutes=30, country="US"), settings)
    ours = result.overall["renfort"].wape
    baseline = result.overall["four_week_average"].wape
    assert ours is not None and baseline is not None
    return ours, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rows = tuning_rows(args.source)
    best = ModelSettings()
    best_wape, baseline = score(rows, best)
    print(f"start {best_wape:.4f} (4-week average {baseline:.4f})")
    for round_ in range(args.rounds):
        for name, values in GRID.items():
            started = time.perf_counter()
            trials = []
            for value in values:
                trial = replace(best, **{name: value})
                trials.append((score(rows, trial)[0], value))
            wape, value = min(trials)
            if wape < best_wape - 1e-6:
                best, best_wape = replace(best, **{name: value}), wape
            print(f"round {round_ + 1} {name}: "
                  + "  ".join(f"{v:g}→{w:.4f}" for w, v in trials)
                  + f"  keep {getattr(best, name):g} ({time.perf_counter() - started:.0f} s)")
    print(f"best {best_wape:.4f} vs 4-week average {baseline:.4f} "
          f"({1 - best_wape / baseline:.1%} better): {best}")


if __name__ == "__main__":
    main()

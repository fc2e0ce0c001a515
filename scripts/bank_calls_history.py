"""Write the US bank's 5-minute call counts (``../shared/data/us_bank_calls_5min_2003``) as
a Renfort history CSV: ``queue, interval_start, interval_minutes, volume``.

The source gives local wall-clock times without an offset; the bank is on the US east
coast, so each time gets its America/New_York offset (-05:00, or -04:00 in summer time).
``renfort plan forecast --interval-minutes 30`` then sums the 5-minute rows into
half-hours.

    .venv/bin/python scripts/bank_calls_history.py [--source FILE] [--output bank.csv]
        [--queue bank]
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "us_bank_calls_5min_2003" / "bank_calls_5min.csv"
EAST = ZoneInfo("America/New_York")


def history_rows(source: Path, queue: str) -> list[list[str]]:
    """Rows of the history CSV (header first) from the shared 5-minute file."""
    out = [["queue", "interval_start", "interval_minutes", "volume"]]
    with source.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            local = datetime.fromisoformat(record["datetime_local"]).replace(tzinfo=EAST)
            out.append([queue, local.isoformat(), "5", record["calls"]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=None, help="default: stdout")
    parser.add_argument("--queue", default="bank")
    args = parser.parse_args()
    rows = history_rows(args.source, args.queue)
    if args.output is None:
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        print(f"wrote {len(rows) - 1} rows to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Service-level reports: fact rows added up by period and by the dimensions asked for.

Pure: the caller reads the fact rows it may show, names the dimensions, and gives each
queue's target and each contract's volume share. Every figure is computed from sums, so a
group's figures are those of its parts added up (the outsourcers of a queue add up to the
queue). Definitions: docs/reporting.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

COUNTS = (
    "offered", "answered", "answered_in_sl", "abandoned", "short_abandons", "redirected",
    "transfers", "callbacks", "overflow_contract", "overflow_solidarity", "answered_home",
    "answered_waiver",
)
SUMS = ("wait_answered_seconds", "wait_abandoned_seconds", "handle_seconds", "wrap_seconds")
DIMENSIONS = ("client", "queue", "outsourcer", "channel")
"""What a report may be broken down by, in column order."""
RATIOS = ("service_level", "sl_target", "sl_on_answered", "abandon_rate", "asa_seconds",
          "aht_seconds", "handle_seconds_avg", "wrap_seconds_avg", "overflow_share",
          "telework_share", "share_achieved", "share_contracted")
TALLIES = ("redirects", "waivers")
"""Counts by destination (redirections) and by waiver (answered from home under one)."""
COLUMNS = ("period", *DIMENSIONS, *COUNTS, *RATIOS, *TALLIES)
"""Every column of a report row (a dimension not asked for is left out)."""
UNASSIGNED = "(aucun)"
"""Name shown for contacts no outsourcer held when they ended."""


@dataclass(frozen=True)
class Names:
    """How ids read in a report, and the targets the figures are set against."""

    queues: Mapping[str, str]
    clients: Mapping[str, str]
    outsourcers: Mapping[str, str]
    sl_targets: Mapping[str, float]
    """Queue id → its service-level target (0–1)."""
    shares: Mapping[tuple[str, str], float]
    """(queue id, outsourcer id) → contracted volume share, normalised per queue to sum 1."""


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def report(
    facts: Iterable[Mapping[str, Any]], names: Names, *, by: Sequence[str],
    period_of: Callable[[float], str],
    share_facts: Iterable[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Rows per (period, *by*), sorted; *period_of* maps an interval start to its label.

    *share_facts*: the rows (``interval_start``, ``queue_id``, ``outsourcer_id``,
    ``answered``) a queue's volume shares are measured on, when *facts* hold only part of
    the queue (an outsourcer's own rows); by default *facts* themselves.
    """
    wanted = [d for d in DIMENSIONS if d in by]
    facts = list(facts)
    rows: dict[tuple[str, ...], dict[str, Any]] = {}
    queue_totals: dict[tuple[str, str], int] = {}
    for fact in facts if share_facts is None else share_facts:
        queue, outsourcer = str(fact["queue_id"]), str(fact["outsourcer_id"])
        if (queue, outsourcer) in names.shares:
            period = period_of(float(fact["interval_start"]))
            queue_totals[(period, queue)] = \
                queue_totals.get((period, queue), 0) + int(fact["answered"])
    contributions: dict[tuple[str, ...], dict[tuple[str, str], int]] = {}
    targets: dict[tuple[str, ...], set[float]] = {}
    for fact in facts:
        period = period_of(float(fact["interval_start"]))
        ids = {"client": str(fact["client_id"]), "queue": str(fact["queue_id"]),
               "outsourcer": str(fact["outsourcer_id"]), "channel": str(fact["channel"])}
        key = (period, *(ids[d] for d in wanted))
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"period": period, **{d: ids[d] for d in wanted},
                               **dict.fromkeys(COUNTS, 0), **dict.fromkeys(SUMS, 0.0),
                               "redirects": {}, "waivers": {}}
        for name in COUNTS:
            row[name] += int(fact[name])
        for name in SUMS:
            row[name] += float(fact[name])
        for tally in TALLIES:
            for label, n in (fact.get(tally) or {}).items():
                row[tally][label] = row[tally].get(label, 0) + int(n)
        targets.setdefault(key, set()).add(names.sl_targets.get(ids["queue"], 0.8))
        # Volume shares: answered per (period, queue) among contracted outsourcers.
        pair = (ids["queue"], ids["outsourcer"])
        if pair in names.shares:
            mine = contributions.setdefault(key, {})
            mine[pair] = mine.get(pair, 0) + int(fact["answered"])
    out = []
    for key, row in sorted(rows.items()):
        _figures(row, targets[key])
        _shares(row, key[0], contributions.get(key, {}), queue_totals, names, wanted)
        for dim in wanted:
            row[dim] = _name(dim, row[dim], names)
        out.append(row)
    return out


def _figures(row: dict[str, Any], targets: set[float]) -> None:
    offered, answered = row["offered"], row["answered"]
    counted = offered - row["short_abandons"]
    row["service_level"] = _ratio(row["answered_in_sl"], counted)
    row["sl_target"] = targets.pop() if len(targets) == 1 else None
    row["sl_on_answered"] = _ratio(row["answered_in_sl"], answered)
    row["abandon_rate"] = _ratio(row["abandoned"] - row["short_abandons"], counted)
    row["asa_seconds"] = _ratio(row["wait_answered_seconds"], answered)
    row["aht_seconds"] = _ratio(row["handle_seconds"] + row["wrap_seconds"], answered)
    row["handle_seconds_avg"] = _ratio(row["handle_seconds"], answered)
    row["wrap_seconds_avg"] = _ratio(row["wrap_seconds"], answered)
    row["overflow_share"] = _ratio(row["overflow_contract"] + row["overflow_solidarity"],
                                   answered)
    row["telework_share"] = _ratio(row["answered_home"], answered)
    for name in SUMS:
        del row[name]


def _shares(row: dict[str, Any], period: str, mine: dict[tuple[str, str], int],
            totals: dict[tuple[str, str], int], names: Names, wanted: list[str]) -> None:
    """Share achieved vs contracted: only for one outsourcer on one queue."""
    row["share_achieved"] = row["share_contracted"] = None
    if "outsourcer" not in wanted or "queue" not in wanted or len(mine) != 1:
        return
    ((pair, answered),) = mine.items()
    row["share_contracted"] = round(names.shares[pair], 4)
    row["share_achieved"] = _ratio(answered, totals.get((period, pair[0]), 0))


def _name(dimension: str, value: str, names: Names) -> str:
    if dimension == "queue":
        return str(names.queues.get(value, value))
    if dimension == "client":
        return str(names.clients.get(value, value))
    if dimension == "outsourcer":
        return UNASSIGNED if not value else str(names.outsourcers.get(value, value))
    return value


def normalised_shares(contracts: Iterable[tuple[str, str, float]]) -> dict[tuple[str, str],
                                                                          float]:
    """(queue, outsourcer, volume share) → shares per queue scaled to sum 1 (queues served
    by one outsourcer get 1)."""
    raw: dict[str, dict[str, float]] = {}
    for queue, outsourcer, share in contracts:
        raw.setdefault(queue, {})[outsourcer] = share
    out: dict[tuple[str, str], float] = {}
    for queue, by_outsourcer in raw.items():
        total = sum(by_outsourcer.values())
        for outsourcer, share in by_outsourcer.items():
            out[(queue, outsourcer)] = share / total if total > 0 else 1 / len(by_outsourcer)
    return out

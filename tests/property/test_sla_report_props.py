"""Whatever the facts, a report's rows add up: the outsourcers of a queue give the queue's
counts, any breakdown gives the same totals, and shares achieved add up to 1 per queue."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from renfort.reporting import sla

NAMES = sla.Names(queues={"q1": "general", "q2": "travel"}, clients={"c": "numero-vert"},
                  outsourcers={"o1": "atlantique", "o2": "nordcom"},
                  sl_targets={"q1": 0.8, "q2": 0.8},
                  shares={("q1", "o1"): 0.7, ("q1", "o2"): 0.3})


@st.composite
def fact(draw: st.DrawFn) -> dict[str, Any]:
    answered = draw(st.integers(0, 50))
    abandoned = draw(st.integers(0, 20))
    return {
        "interval_start": 1_584_435_600.0 + 900 * draw(st.integers(0, 7)),
        "queue_id": draw(st.sampled_from(("q1", "q2"))),
        "outsourcer_id": draw(st.sampled_from(("o1", "o2", ""))),
        "channel": draw(st.sampled_from(("voice", "chat"))), "client_id": "c",
        **dict.fromkeys(sla.COUNTS, 0),
        "offered": answered + abandoned, "answered": answered,
        "answered_in_sl": draw(st.integers(0, answered)), "abandoned": abandoned,
        "short_abandons": draw(st.integers(0, abandoned)),
        **{name: draw(st.floats(0, 1e4)) for name in sla.SUMS},
        "redirects": None, "waivers": None}


def _period(instant: float) -> str:
    return "all" if instant >= 0 else "?"


@given(st.lists(fact(), max_size=40), st.sampled_from(
    (("outsourcer",), ("queue",), ("queue", "outsourcer"), ("client", "channel"))))
def test_breakdowns_add_up(facts: list[dict[str, Any]], by: tuple[str, ...]) -> None:
    rows = sla.report(facts, NAMES, by=by, period_of=_period)
    for name in ("offered", "answered", "answered_in_sl", "abandoned", "short_abandons"):
        assert sum(r[name] for r in rows) == sum(f[name] for f in facts)
    for row in rows:
        if row["service_level"] is not None:
            assert 0.0 <= row["service_level"] <= 1.0


@given(st.lists(fact(), min_size=1, max_size=40))
def test_outsourcers_of_a_queue_give_the_queue(facts: list[dict[str, Any]]) -> None:
    split = sla.report(facts, NAMES, by=("queue", "outsourcer"), period_of=_period)
    whole = {r["queue"]: r for r in sla.report(facts, NAMES, by=("queue",), period_of=_period)}
    for queue, row in whole.items():
        parts = [r for r in split if r["queue"] == queue]
        for name in sla.COUNTS:
            assert sum(p[name] for p in parts) == row[name]
    shares = [r["share_achieved"] for r in split
              if r["queue"] == "general" and r["share_achieved"] is not None]
    if shares:
        assert abs(sum(shares) - 1.0) < 1e-3

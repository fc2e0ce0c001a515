"""The usable seat set: independent under the rule, as large as proven possible."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renfort.domain.errors import ValidationError
from renfort.sites.distancing import (
    DistancingRule,
    clique_partition_bound,
    conflicts,
    edge_clique_cover,
    greedy,
    is_independent,
    usable_seats,
)
from renfort.sites.generate import make_plan
from renfort.sites.layout import Seat, SeatPlan


def _row(n: int, pitch: float, zone: str = "z", y: float = 0.0) -> list[Seat]:
    return [Seat(f"{zone}{y:g}-{i}", i * pitch, y, zone) for i in range(n)]


def test_a_pair_exactly_at_the_minimum_distance_may_both_be_occupied() -> None:
    plan = SeatPlan((Seat("a", 0, 0, "z"), Seat("b", 1.5, 0, "z"), Seat("c", 2.9, 0, "z")))
    assert conflicts(plan, DistancingRule(1.5)) == [(1, 2)]


def test_one_free_seat_between_operators_along_a_row() -> None:
    seats = _row(7, 1.0) + _row(7, 1.0, zone="w", y=0.0) + _row(3, 1.0, y=5.0)
    # a seat across a 4 m aisle is not a neighbour
    seats.append(Seat("far", 10.0, 0.0, "z"))
    plan = SeatPlan(tuple(seats))
    rule = DistancingRule(None, free_seat_between=True)
    result = usable_seats(plan, rule)
    assert result.count == 4 + 4 + 2 + 1
    assert result.optimal and result.bound == result.count
    assert is_independent(plan, rule, result.usable)


def test_rule_needs_something_to_enforce() -> None:
    with pytest.raises(ValidationError):
        DistancingRule(None, free_seat_between=False)
    with pytest.raises(ValidationError):
        DistancingRule(-1.0)


def _brute_force(plan: SeatPlan, rule: DistancingRule) -> int:
    edges = set(conflicts(plan, rule))
    n = len(plan.seats)
    for size in range(n, 0, -1):
        for chosen in itertools.combinations(range(n), size):
            if not any((a, b) in edges for a, b in itertools.combinations(chosen, 2)):
                return size
    return 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 6), st.floats(0, 6)), min_size=1, max_size=11),
       st.sampled_from([1.0, 1.5, 2.5]))
def test_exact_solution_matches_brute_force_on_small_plans(
        points: list[tuple[float, float]], distance: float) -> None:
    plan = SeatPlan(tuple(Seat(f"s{i}", x, y, "z") for i, (x, y) in enumerate(points)))
    rule = DistancingRule(distance)
    result = usable_seats(plan, rule, time_limit=5)
    assert is_independent(plan, rule, result.usable)
    assert result.optimal
    assert result.count == result.bound == _brute_force(plan, rule)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 8), st.floats(0, 8)), min_size=2, max_size=40))
def test_greedy_is_independent_and_below_the_clique_bound(
        points: list[tuple[float, float]]) -> None:
    plan = SeatPlan(tuple(Seat(f"s{i}", x, y, "z") for i, (x, y) in enumerate(points)))
    edges = conflicts(plan, DistancingRule(1.5))
    chosen = set(greedy(len(points), edges))
    assert not any(a in chosen and b in chosen for a, b in edges)
    assert len(chosen) <= clique_partition_bound(len(points), edges)
    covered = {(a, b) for clique in edge_clique_cover(len(points), edges)
               for a, b in itertools.combinations(clique, 2)}
    assert set(edges) <= covered
    for a, b in covered:  # every clique really is one
        pa, pb = plan.seats[a], plan.seats[b]
        assert math.hypot(pa.x - pb.x, pa.y - pb.y) < 1.5


def test_rows_at_1_4_m_keep_every_other_seat_and_prove_it() -> None:
    plan = make_plan("rows", 200, seed=1)
    result = usable_seats(plan, DistancingRule(1.5), time_limit=10)
    assert result.count == 100
    assert result.optimal and result.gap == 0.0
    assert result.method in ("cp-sat", "greedy")


def test_greedy_only_reports_a_valid_bound() -> None:
    plan = make_plan("open-space", 120, seed=2)
    rule = DistancingRule(2.0)
    quick = usable_seats(plan, rule, time_limit=0)
    exact = usable_seats(plan, rule, time_limit=10)
    assert quick.method in ("greedy", "no-conflict")
    assert quick.count <= exact.count <= exact.bound <= quick.bound
    assert is_independent(plan, rule, quick.usable)


def test_changing_the_rule_changes_the_capacity() -> None:
    plan = make_plan("mixed", 150, seed=3)
    loose = usable_seats(plan, DistancingRule(1.0)).count
    strict = usable_seats(plan, DistancingRule(2.0)).count
    assert strict < loose <= len(plan)

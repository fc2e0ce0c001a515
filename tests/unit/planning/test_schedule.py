"""The shift schedule: coverage, seat caps across queues, home work, breaks, pools, supply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renfort.domain.errors import ValidationError
from renfort.domain.model import TeleworkRule
from renfort.planning.schedule import (
    HOME,
    Requirement,
    Schedule,
    ScheduleRequest,
    SiteCapacity,
    StaffGroup,
    schedule,
)
from renfort.planning.shift_rules import DEFAULT_RULES, parse_rules

T0 = datetime(2020, 3, 18, 7, 0, tzinfo=UTC)  # 08:00 in Paris
NO_BREAKS = {"start_step_minutes": 30,
             "templates": [{"name": f"{h}h", "hours": h} for h in (4, 6, 8)]}


def plan(*needs: tuple[str, list[int]], minutes: int = 30) -> list[Requirement]:
    return [Requirement(queue, T0 + timedelta(minutes=minutes * k), minutes, n)
            for queue, values in needs for k, n in enumerate(values)]


def run(requirements: list[Requirement], rules: dict[str, Any] | None = None,
        **options: Any) -> Schedule:
    return schedule(ScheduleRequest(requirements, parse_rules(rules or NO_BREAKS),
                                    time_limit=options.pop("time_limit", 5.0),
                                    workers=1, **options))


def working(result: Schedule) -> dict[tuple[str, str, datetime], int]:
    """Agents on the phone per (pool, place, slot), recomputed from the shifts."""
    grid = timedelta(minutes=result.summary.grid_minutes)
    out: dict[tuple[str, str, datetime], int] = {}
    for s in result.shifts:
        moment = s.start
        while moment < s.end:
            on_break = any(b <= moment < b + timedelta(minutes=m) for b, m in s.breaks)
            if not on_break:
                key = (s.pool, s.location, moment)
                out[key] = out.get(key, 0) + 1
            moment += grid
    return out


def test_two_agents_for_eight_hours_are_two_eight_hour_shifts() -> None:
    result = run(plan(("hotline", [2] * 16)))
    assert result.summary.status == "OPTIMAL"
    assert result.summary.agent_hours == 16 and result.summary.shifts == 2
    assert {s.template for s in result.shifts} == {"8h"}
    assert all(c.shortfall == 0 for c in result.coverage)


def test_breaks_are_placed_in_their_windows_and_cover_the_day() -> None:
    needs = [3, 5, 8, 9, 9, 8, 7, 7, 8, 9, 9, 8, 7, 6, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1]
    result = run(plan(("hotline", needs)), {**DEFAULT_RULES, "max_consecutive_hours": 2.5})
    assert result.summary.shortfall_interval_agents == 0
    assert result.summary.grid_minutes == 15
    rules = {t["name"]: t for t in DEFAULT_RULES["templates"]}
    for s in result.shifts:
        windows = rules[s.template]["breaks"]
        assert len(s.breaks) == len(windows)
        for (at, minutes), window in zip(s.breaks, windows, strict=True):
            offset = (at - s.start).total_seconds() / 60
            low, high = (int(v.split(":")[0]) * 60 + int(v.split(":")[1])
                         for v in (window["earliest"], window["latest"]))
            assert low <= offset <= high and minutes == window["minutes"]
        edges = [s.start, *(t for at, m in s.breaks for t in (at, at + timedelta(minutes=m))),
                 s.end]
        assert all(b - a <= timedelta(hours=2.5) for a, b in zip(edges[::2], edges[1::2],
                                                                 strict=True))
    assert result.summary.agent_hours >= result.summary.required_hours


def test_a_seat_cap_below_the_peak_reports_the_shortfall_instead_of_failing() -> None:
    needs = [4, 6, 10, 12, 12, 10, 8, 6, 6, 8, 10, 12, 12, 10, 6, 4]
    result = run(plan(("hotline", needs), ("bank", [2] * 16)),
                 sites=[SiteCapacity("nantes", 10)])
    assert result.summary.status in ("OPTIMAL", "FEASIBLE")
    assert max(u.heads for u in result.seats) <= 10
    assert all(u.heads <= u.seats == 10 for u in result.seats)
    assert result.summary.shortfall_interval_agents > 0
    peak = max(sum(c.on_site for c in result.coverage if c.start == t)
               for t in {c.start for c in result.coverage})
    assert peak <= 10


def test_home_agents_escape_the_cap_but_not_a_queue_kept_on_site() -> None:
    needs = [6] * 16
    result = run(plan(("hotline", needs), ("cards", needs)),
                 sites=[SiteCapacity("nantes", 6)], home_share=0.5,
                 telework={"cards": TeleworkRule.ON_SITE_ONLY})
    cards = [c for c in result.coverage if c.queue == "cards"]
    hotline = [c for c in result.coverage if c.queue == "hotline"]
    assert all(c.at_home == 0 for c in cards)
    assert sum(c.at_home for c in hotline) > 0
    assert result.summary.home_hours <= 0.5 * result.summary.agent_hours + 1e-9
    assert max(u.heads for u in result.seats) <= 6
    assert all(s.location != HOME or s.queues == ("hotline",) for s in result.shifts)


def test_a_shared_pool_covers_two_queues_with_the_same_agents() -> None:
    morning = [1] * 4 + [0] * 4
    afternoon = [0] * 4 + [1] * 4
    separate = run(plan(("a", morning), ("b", afternoon)))
    shared = run(plan(("a", morning), ("b", afternoon)), {**NO_BREAKS, "pools": "shared"})
    assert separate.summary.agent_hours == 8 and shared.summary.agent_hours == 4
    assert shared.shifts[0].queues == ("a", "b")
    assert all(c.shortfall == 0 for c in shared.coverage)


def test_the_agents_there_are_bound_the_shifts() -> None:
    result = run(plan(("hotline", [3] * 8)), sites=[SiteCapacity("nantes", None)],
                 staff=[StaffGroup("nantes", frozenset({"hotline"}), 2)])
    assert result.summary.shifts == 2
    assert result.summary.shortfall_interval_agents == 8


def test_bad_rules_name_their_field() -> None:
    with pytest.raises(ValidationError, match=r"templates.0.breaks.0: the break can end"):
        parse_rules({"templates": [{"name": "x", "hours": 2, "breaks": [
            {"minutes": 30, "earliest": "1:00", "latest": "1:45"}]}]})
    with pytest.raises(ValidationError, match="time_zone"):
        parse_rules({**NO_BREAKS, "time_zone": "Mars/Olympus"})
    with pytest.raises(ValidationError, match="longer than max_consecutive_hours"):
        run(plan(("q", [1] * 8)), {**NO_BREAKS, "max_consecutive_hours": 3})
    with pytest.raises(ValidationError, match=r"pools\.0: queue 'zz' is not in the plan"):
        run(plan(("q", [1] * 8)), {**NO_BREAKS, "pools": [["zz"]]})
    with pytest.raises(ValidationError, match="home_share"):
        ScheduleRequest(plan(("q", [1])), parse_rules(None), home_share=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(needs=st.lists(st.lists(st.integers(0, 6), min_size=16, max_size=16), min_size=1,
                      max_size=2),
       cap=st.one_of(st.none(), st.integers(1, 8)), home=st.sampled_from([0.0, 0.3]))
def test_invariants_of_any_schedule(needs: list[list[int]], cap: int | None,
                                    home: float) -> None:
    requirements = plan(*((f"q{k}", values) for k, values in enumerate(needs)))
    result = run(requirements, {**DEFAULT_RULES, "max_consecutive_hours": 2.5},
                 sites=[SiteCapacity("site", cap)], home_share=home, time_limit=3.0)
    agents = working(result)
    for c in result.coverage:
        site = agents.get((c.queue, "site", c.start), 0)
        at_home = agents.get((c.queue, HOME, c.start), 0)
        assert (c.on_site, c.at_home) == (site, at_home)
        assert c.shortfall == max(0, c.required - c.scheduled)
    if cap is not None:
        assert all(u.heads <= cap for u in result.seats)
    else:
        assert result.summary.shortfall_interval_agents == 0
    assert result.summary.agent_hours == pytest.approx(sum(s.hours for s in result.shifts))
    assert result.summary.home_hours <= home * result.summary.agent_hours + 1e-9

"""The engine drives the real router: conservation, determinism, presence, routing rules."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from renfort.simulation.engine import simulate_component
from renfort.simulation.log import CallLog
from renfort.simulation.report import build_report
from renfort.simulation.runner import dumps, run_replications
from renfort.simulation.scenario import parse_scenario
from renfort.simulation.world import World, build_world
from tests.unit.simulation.builders import single_queue


def _run(doc: dict[str, Any], seed: int = 1) -> tuple[World, CallLog]:
    world = build_world(parse_scenario(doc))
    return world, simulate_component(world, world.components[0], np.random.default_rng(seed))


def test_every_contact_is_answered_abandoned_or_still_waiting() -> None:
    # Too few agents and a short drain: some callers are still waiting at the end.
    doc = single_queue(agents=2, calls_per_hour=80, patience=900, drain_minutes=0)
    world, log = _run(doc)
    waiting = ~log.answered & ~log.abandoned
    assert log.answered.sum() > 0 and log.abandoned.sum() > 0 and waiting.sum() > 0
    assert not (log.answered & log.abandoned).any()
    report = build_report(world, run_replications(world, 2, 1), 1)
    for block in [report["total"], *report["queues"][0]["intervals"]]:
        assert block["offered"] == pytest.approx(
            block["answered"] + block["abandoned"] + block["waiting_at_end"])
    assert report["total"]["waiting_at_end"] > 0


def test_same_seed_same_bytes_and_any_number_of_processes() -> None:
    doc = single_queue(agents=6, calls_per_hour=60, patience=200)
    second = copy.deepcopy(doc["queues"][0])
    second["slug"] = "cards"
    doc["queues"].append(second)
    doc["agents"].append({"name": "bank", "skills": {"cards": 3}, "count": 6})
    world = build_world(parse_scenario(doc))
    assert len(world.components) == 2
    one = dumps(build_report(world, run_replications(world, 3, 7), 7))
    again = dumps(build_report(world, run_replications(world, 3, 7), 7))
    two = dumps(build_report(world, run_replications(world, 3, 7, workers=2), 7))
    other = dumps(build_report(world, run_replications(world, 3, 8), 8))
    assert one == again == two
    assert one != other


def test_waits_and_service_respect_time() -> None:
    _, log = _run(single_queue(agents=4, calls_per_hour=40, patience=120))
    answered = log.answered
    assert (log.answered_at[answered] >= log.arrival[answered]).all()
    assert (log.ended_at[answered] >= log.answered_at[answered]).all()
    gone = log.abandoned
    # exponential patience: nobody hangs up before arriving, waits are real.
    assert (log.ended_at[gone] > log.arrival[gone]).all()


def test_agents_work_their_shifts_only() -> None:
    doc = single_queue(agents=3, calls_per_hour=30, patience=60, hours=6, drain_minutes=0)
    doc["agents"][0]["shifts"] = [{"start": "02:00", "end": "04:00"}]
    world, log = _run(doc)
    # staffed from 02:00 to 04:00, or until the call in hand at 04:00 ends.
    assert np.allclose(log.span_start, 7200.0)
    assert (log.span_end >= 14400.0).all() and (log.span_end < 14400.0 + 3600.0).all()
    answered_at = log.answered_at[log.answered]
    assert answered_at.min() >= 7200.0
    # agents log out at 04:00 but finish their calls; nobody new is answered after 04:00.
    assert answered_at.max() < 14400.0
    assert world.groups[0].spec.count == 3


def test_breaks_stop_new_offers_and_are_staggered() -> None:
    doc = single_queue(agents=2, calls_per_hour=200, patience=30, hours=2, drain_minutes=0)
    doc["agents"][0]["shifts"] = [{"start": 0, "end": 120, "breaks": [
        {"start": 30, "minutes": 30, "stagger_minutes": 30}]}]
    _, log = _run(doc)
    # agent 0 off 30-60 min, agent 1 off 45-75 min: between 45 and 60 nobody takes a call.
    # (router instants are POSIX seconds: allow their 0.2 µs step around 3600 s)
    assert not ((log.answered_at >= 2700.0) & (log.answered_at < 3600.0 - 1e-3)).any()
    assert ((log.answered_at >= 3600.0 - 1e-3) & (log.answered_at < 4500.0)).any()
    # staffed: the shift less the breaks, plus the end of a call in hand when a break starts.
    staffed = (log.span_end - log.span_start).sum()
    assert 2 * 7200.0 - 2 * 1800.0 <= staffed < 2 * 7200.0


def test_staffing_profile_follows_the_plan() -> None:
    doc = single_queue(agents=1, calls_per_hour=300, patience=60, hours=3, drain_minutes=0)
    doc["agents"][0] = {"name": "plan", "skills": {"hotline": 3}, "staffing": [2, 10, 0]}
    world, log = _run(doc)
    staffed = np.zeros(3)
    for start, end in zip(log.span_start, log.span_end, strict=True):
        for k in range(3):
            staffed[k] += max(0.0, min(end, 3600.0 * (k + 1)) - max(start, 3600.0 * k))
    # 2 then 10 agents; after 02:00 busy agents only finish their call (minutes at most).
    assert staffed[0] == pytest.approx(7200.0)
    assert staffed[1] == pytest.approx(36000.0)
    assert staffed[2] < 10 * 1800.0
    assert not (log.answered_at > 7200.0).any()
    assert len(world.groups[0].agents) == 10


def test_callbacks_leave_the_voice_line_and_are_served_later() -> None:
    doc = single_queue(agents=2, calls_per_hour=60, patience=10_000, hours=2,
                       callback={"after_seconds": 60, "acceptance": 1.0})
    _, log = _run(doc)
    assert log.callback.sum() > 0
    assert not log.abandoned[log.callback].any()
    served = log.callback & log.answered
    assert served.any()
    waited = log.answered_at[served] - log.arrival[served]
    assert (waited >= 60.0).all()


def test_overflow_goes_to_other_outsourcers_only_after_the_threshold() -> None:
    doc = single_queue(agents=1, calls_per_hour=40, patience=600, overflow_after_seconds=90)
    doc["outsourcers"] = ["atlantique", "nordcom"]
    doc["contracts"] = [{"client": "default", "outsourcer": "atlantique", "queues": ["hotline"]}]
    doc["agents"][0]["outsourcer"] = "atlantique"
    doc["agents"].append({"name": "helpers", "outsourcer": "nordcom", "skills": {"hotline": 3},
                          "count": 3})
    _, log = _run(doc)
    helped = log.answered & (log.group == 1)
    assert helped.any()
    assert log.overflow[helped].all() and not log.overflow[log.answered & (log.group == 0)].any()
    assert (log.answered_at[helped] - log.arrival[helped] >= 90.0 - 1e-6).all()


def test_bullseye_widens_to_lower_proficiency_after_its_tier() -> None:
    doc = single_queue(agents=1, calls_per_hour=30, patience=600, bullseye=[
        {"after_seconds": 0, "min_proficiency": 4}, {"after_seconds": 45, "min_proficiency": 2}])
    doc["agents"][0]["skills"] = {"hotline": 5}
    doc["agents"].append({"name": "juniors", "skills": {"hotline": 2}, "count": 3})
    _, log = _run(doc)
    juniors = log.answered & (log.group == 1)
    assert juniors.any()
    assert (log.answered_at[juniors] - log.arrival[juniors] >= 45.0 - 1e-6).all()


def test_a_language_line_is_served_only_by_agents_who_speak_it() -> None:
    doc = single_queue(agents=4, calls_per_hour=30, patience=600, language="en")
    doc["agents"].append({"name": "bilingual", "skills": {"hotline": 1}, "count": 2,
                          "languages": ["fr", "en"]})
    _, log = _run(doc)
    assert log.answered.any() and (log.group[log.answered] == 1).all()


def test_home_agents_need_the_clients_waiver() -> None:
    doc = single_queue(agents=3, calls_per_hour=30, patience=120, hours=4,
                       telework="with_waiver")
    doc["agents"][0]["location"] = "home"
    doc["waivers"] = [{"client": "default", "queues": ["hotline"], "from": "01:00",
                       "to": "02:00"}]
    _, log = _run(doc)
    at = log.answered_at[log.answered]
    assert at.size and (at >= 3600.0).all() and (at <= 7200.0).all()


def test_slow_answers_expire_and_the_contact_is_offered_again() -> None:
    doc = single_queue(agents=3, calls_per_hour=30, patience=10_000, hours=2)
    doc["routing"] = {"offer_timeout_seconds": 10, "missed_recovery_seconds": 5,
                      "agent_response": {"kind": "exponential", "mean": 8}}
    _, log = _run(doc)
    waits = log.answered_at[log.answered] - log.arrival[log.answered]
    # some offers ran out (> 10 s) and were offered again; every call is still answered.
    assert (waits > 10.0).any()
    assert log.answered.sum() + log.abandoned.sum() == log.arrival.size

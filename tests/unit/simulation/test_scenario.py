"""Scenario validation: one clear error naming the field path, nothing run."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from renfort.domain.errors import ValidationError
from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace
from renfort.simulation.runner import parse_scenario_text
from renfort.simulation.scenario import parse_scenario
from renfort.simulation.world import build_world, expected_arrivals
from tests.unit.simulation.builders import single_queue


def _error(doc: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_scenario(doc)
    return caught.value.message


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["queues"][0]["handle_time"].update(mean=-1),
     "queues[0].handle_time.mean: Input should be greater than 0"),
    (lambda d: d["queues"][0]["arrivals"].update(rates_per_hour=[1, 2]),
     "queues[0].arrivals.rates_per_hour: 2 values for 8 intervals"),
    (lambda d: d["agents"][0].update(skills={"elsewhere": 3}),
     "agents[0].skills: no queue requires any of these skills"),
    (lambda d: d["agents"][0].update(skills={"hotline": 7}),
     "agents[0].skills.hotline: Input should be less than or equal to 5"),
    (lambda d: d["queues"][0].update(handle_time={"kind": "weibull", "mean": 3}),
     "queues[0].handle_time: Input tag 'weibull' found using 'kind' does not match"),
    (lambda d: d["queues"][0]["arrivals"].update(surges=[{"from": "25h", "factor": 2}]),
     "queues[0].arrivals.surges[0].from: expected 'HH:MM' or minutes, got '25h'"),
    (lambda d: d["agents"][0].update(shifts=[{"start": "10:00", "end": "09:00"}]),
     "agents[0].shifts[0].end: a shift must end after it starts"),
    (lambda d: d.update(bogus=1), "bogus: Extra inputs are not permitted"),
    (lambda d: d["queues"][0].update(client="nobody"), ""),
    (lambda d: d["agents"][0].update(staffing=[1] * 8),
     "agents[0].staffing: give either staffing or count (and shifts)"),
])
def test_a_bad_scenario_names_the_field(change: Any, message: str) -> None:
    doc = single_queue(agents=3, calls_per_hour=10)
    change(doc)
    if message:
        assert _error(doc).startswith(message)
    else:
        parse_scenario(doc)  # a lone queue may name a client the scenario does not list


def test_unknown_client_is_refused_when_clients_are_listed() -> None:
    doc = single_queue(agents=3, calls_per_hour=10, client="nobody")
    doc["clients"] = [{"slug": "numero-vert"}]
    assert _error(doc) == "queues[0].client: unknown client 'nobody'"


def test_bad_yaml_is_one_line() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_scenario_text("queues: [unclosed")
    assert caught.value.message.startswith("scenario: not valid YAML")
    assert "\n" not in caught.value.message


def test_world_builds_the_real_domain_objects() -> None:
    doc = copy.deepcopy(single_queue(agents=4, calls_per_hour=60, telework="with_waiver",
                                     overflow_after_seconds=60,
                                     callback={"after_seconds": 90, "acceptance": 0.5}))
    doc["clients"] = [{"slug": "banque", "sector": "banking"}]
    doc["queues"][0]["client"] = "banque"
    doc["agents"][0].update(location="home", outsourcer="azur")
    doc["outsourcers"] = ["azur"]
    doc["waivers"] = [{"client": "banque", "queues": ["hotline"], "from": "01:00", "to": 180}]
    world = build_world(parse_scenario(doc))
    queue = world.queues[0]
    assert queue.queue.telework is TeleworkRule.WITH_WAIVER
    assert queue.queue.channels == {Channel.VOICE, Channel.CALLBACK}
    assert queue.priority == 3  # banking
    agent = world.groups[0].agents[0]
    assert agent.works_from is WorkPlace.HOME and agent.site_id is None
    assert [c.outsourcer_id for c in world.contracts] == ["azur"]
    (waiver,) = world.waivers
    assert (waiver.valid_to - waiver.valid_from).total_seconds() == 7200.0
    assert Sector.BANKING.value == "banking"


def test_surges_multiply_the_intervals_they_cover() -> None:
    doc = single_queue(agents=1, calls_per_hour=10, hours=4)
    doc["queues"][0]["arrivals"]["surges"] = [{"from": "02:00", "factor": 4}]
    s = parse_scenario(doc)
    assert np.allclose(expected_arrivals(s.queues[0], s), [10, 10, 40, 40])


def test_components_split_queues_no_agent_shares() -> None:
    doc = single_queue(agents=2, calls_per_hour=10)
    second = copy.deepcopy(doc["queues"][0])
    second["slug"] = "cards"
    third = copy.deepcopy(second)
    third["slug"] = "loans"
    doc["queues"] += [second, third]
    doc["agents"].append({"name": "bank", "skills": {"cards": 2, "loans": 3}, "count": 2})
    world = build_world(parse_scenario(doc))
    assert [c.queues for c in world.components] == [(0,), (1, 2)]
    assert [c.groups for c in world.components] == [(0,), (1,)]

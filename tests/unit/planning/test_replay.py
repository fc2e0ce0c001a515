"""A schedule replayed on a federation: shifts go to real agents who fit them, the scenario
carries the federation's own queues, contracts and waivers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
)
from renfort.domain.model import (
    Agent,
    Channel,
    Client,
    Contract,
    Outsourcer,
    Queue,
    Sector,
    Site,
    TeleworkRule,
    Waiver,
    WorkPlace,
)
from renfort.planning.forecast import ForecastCell
from renfort.planning.replay import Federation, replay_scenario
from renfort.planning.schedule import Shift
from renfort.simulation.scenario import parse_scenario
from renfort.simulation.world import build_world

T0 = datetime(2020, 3, 18, 7, 0, tzinfo=UTC)
VOICE = frozenset({Channel.VOICE})


def _agent(name: str, skills: dict[str, int], *, site: str | None = "nantes",
           home: bool = False, languages: tuple[str, ...] = ("fr",),
           outsourcer: str = "atl") -> Agent:
    return Agent(AgentId(name), OutsourcerId(outsourcer), name, skills, frozenset(languages),
                 works_from=WorkPlace.HOME if home else WorkPlace.SITE,
                 site_id=SiteId(site) if site else None)


def _federation(agents: list[Agent], home_ready: frozenset[str] | None = None) -> Federation:
    queues = [
        Queue(QueueId("q-info"), "info", ClientId("c-pub"), "Info", VOICE, "covid"),
        Queue(QueueId("q-english"), "english", ClientId("c-pub"), "English", VOICE, "covid",
              language="en"),
        Queue(QueueId("q-cards"), "cards", ClientId("c-bank"), "Cards", VOICE, "cards",
              telework=TeleworkRule.WITH_WAIVER),
    ]
    return Federation(
        outsourcers=[Outsourcer(OutsourcerId("atl"), "atlantique", "Atlantique"),
                     Outsourcer(OutsourcerId("nord"), "nordcom", "Nordcom")],
        clients=[Client(ClientId("c-pub"), "numero-vert", "Numéro vert", Sector.PUBLIC),
                 Client(ClientId("c-bank"), "banque", "Banque", Sector.BANKING)],
        queues=queues,
        contracts=[Contract(ContractId("k1"), ClientId("c-pub"), OutsourcerId("atl"),
                            frozenset({QueueId("q-info"), QueueId("q-english")})),
                   Contract(ContractId("k2"), ClientId("c-bank"), OutsourcerId("nord"),
                            frozenset({QueueId("q-cards")}))],
        sites=[Site(SiteId("nantes"), "nantes", OutsourcerId("atl"), "Nantes", 40),
               Site(SiteId("lille"), "lille", OutsourcerId("nord"), "Lille", 40)],
        agents=agents,
        waivers=[Waiver(WaiverId("w1"), ClientId("c-bank"), frozenset({QueueId("q-cards")}),
                        "VPN", T0 - timedelta(days=1), T0 + timedelta(hours=4), "bank")],
        home_ready=home_ready)


def _cells(*queues: str, hours: int = 8) -> list[ForecastCell]:
    return [ForecastCell(q, T0 + timedelta(minutes=30 * k), 30, 20.0, 15.0, 25.0, 300.0, 120.0)
            for q in queues for k in range(2 * hours)]


def _shift(sid: str, queues: tuple[str, ...], location: str, start: datetime,
           hours: float = 4) -> Shift:
    return Shift(sid, "4h", queues[0], queues, location, start,
                 start + timedelta(hours=hours), ((start + timedelta(hours=2), 15),))


def test_each_shift_goes_to_an_agent_who_fits_it() -> None:
    agents = [_agent("site-fr", {"covid": 3}), _agent("site-en", {"covid": 2},
                                                      languages=("fr", "en")),
              _agent("home-ready", {"covid": 4}, home=True),
              _agent("home-unready", {"covid": 5}, home=True),
              _agent("lille-card", {"cards": 3}, site="lille", outsourcer="nord")]
    federation = _federation(agents, home_ready=frozenset({"site-fr", "site-en", "home-ready",
                                                           "lille-card"}))
    shifts = [_shift("S1", ("english",), "nantes", T0), _shift("S2", ("info",), "home", T0),
              _shift("S3", ("info",), "nantes", T0), _shift("S4", ("cards",), "lille", T0),
              _shift("S5", ("info",), "nantes", T0)]
    built = replay_scenario(_cells("info", "english", "cards"), shifts, federation)
    filled = built.staffed.filled
    assert filled == {"S1": "site-en", "S2": "home-ready", "S3": "site-fr",
                      "S4": "lille-card"}
    assert built.staffed.unfilled == ["S5"]
    assert built.staffed.unfilled_hours == 4
    assert built.staffed.by_place == {"nantes": 2, "home": 1, "lille": 1}
    scenario = parse_scenario(built.scenario)
    world = build_world(scenario)
    by_name = {g.spec.name: g for g in world.groups}
    assert by_name["site-en"].agents[0].languages == frozenset({"fr", "en"})
    assert by_name["home-ready"].agents[0].works_from is WorkPlace.HOME
    (shift,) = by_name["site-fr"].spec.shifts or ()
    assert (shift.start, shift.end) == (0.0, 4 * 3600.0)
    assert shift.breaks[0].start == 2 * 3600.0
    queues = {q.queue.slug: q.queue for q in world.queues}
    assert queues["english"].language == "en"
    assert queues["cards"].telework is TeleworkRule.WITH_WAIVER
    assert [w.queue_ids for w in world.waivers] == [frozenset({QueueId("cards")})]
    assert {(c.outsourcer_id, q) for c in world.contracts for q in c.queue_ids} == {
        ("atlantique", "info"), ("atlantique", "english"), ("nordcom", "cards")}


def test_an_agent_takes_one_shift_and_then_rests_eleven_hours() -> None:
    federation = _federation([_agent("only", {"covid": 3})])
    late = T0 + timedelta(hours=12)
    next_day = T0 + timedelta(hours=24)
    built = replay_scenario(
        _cells("info", hours=30), [_shift("S1", ("info",), "nantes", T0),
                                   _shift("S2", ("info",), "nantes", late),
                                   _shift("S3", ("info",), "nantes", next_day)], federation)
    assert built.staffed.filled == {"S1": "only", "S3": "only"}
    assert built.staffed.unfilled == ["S2"]


def test_the_best_fitting_agent_wins_a_pooled_shift() -> None:
    agents = [_agent("one-skill", {"covid": 5}), _agent("both", {"covid": 2, "cards": 2}),
              _agent("other-outsourcer", {"covid": 5, "cards": 5}, outsourcer="nord",
                     site="lille")]
    federation = _federation(agents)
    built = replay_scenario(_cells("info", "cards"),
                            [_shift("S1", ("info", "cards"), "site", T0)], federation)
    # any site: agents taking both queues first, then the most proficient
    assert built.staffed.filled == {"S1": "other-outsourcer"}


def test_unknown_queues_are_refused() -> None:
    federation = _federation([_agent("a", {"covid": 3})])
    with pytest.raises(ValidationError, match="queue 'nowhere' is not a queue"):
        replay_scenario(_cells("nowhere"), [], federation)
    with pytest.raises(ValidationError, match="schedule S1: queue 'gone'"):
        replay_scenario(_cells("info"), [_shift("S1", ("gone",), "nantes", T0)], federation)
    with pytest.raises(ValidationError, match="no shift of the schedule found a real agent"):
        replay_scenario(_cells("info"), [_shift("S1", ("info",), "home", T0)], federation)

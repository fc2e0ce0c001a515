"""The demo federation is deterministic, coherent and valid under the domain's rules."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from renfort.demo.federation import Federation, build_federation, describe
from renfort.domain.errors import ValidationError
from renfort.domain.ids import is_slug
from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace

NOW = datetime(2020, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fed() -> Federation:
    return build_federation(NOW)


def test_two_builds_are_equal(fed: Federation) -> None:
    assert build_federation(NOW) == fed


def test_only_the_waiver_depends_on_now(fed: Federation) -> None:
    later = build_federation(NOW + timedelta(days=3))
    assert later.agents == fed.agents
    assert later.queues == fed.queues
    assert later.users == fed.users
    assert later.waivers[0].valid_from == fed.waivers[0].valid_from + timedelta(days=3)


def test_ids_are_unique_readable_and_stable(fed: Federation) -> None:
    ids: list[str] = [
        *(o.id for o in fed.outsourcers), *(c.id for c in fed.clients),
        *(q.id for q in fed.queues), *(c.id for c in fed.contracts), *(s.id for s in fed.sites),
        *(a.id for a in fed.agents), *(w.id for w in fed.waivers),
    ]
    assert len(ids) == len(set(ids))
    assert all(is_slug(i) for i in ids)
    assert {q.id for q in fed.queues} >= {"q-hotline-general", "q-bank-cards"}
    assert fed.agents[0].id == "ag-atlantique-001"


def test_counts(fed: Federation) -> None:
    counts = describe(fed)
    assert counts["outsourcers"] == 3
    assert counts["clients"] == 6
    assert counts["sites"] == 6
    assert 10 <= counts["queues"] <= 14
    assert 280 <= counts["agents"] <= 320
    assert counts["agents_on_site"] + counts["agents_at_home"] == counts["agents"]
    assert counts["agents_at_home"] > 0
    assert counts["waivers"] == 1
    assert counts["users"] == len(fed.users)


def test_the_english_line_has_english_speaking_agents(fed: Federation) -> None:
    line = next(q for q in fed.queues if q.language == "en")
    speakers = [a for a in fed.agents if line.skill in a.skills and "en" in a.languages]
    assert len(speakers) >= 10


def test_one_public_hotline_and_five_essential_clients(fed: Federation) -> None:
    sectors = Counter(c.sector for c in fed.clients)
    assert sectors[Sector.PUBLIC] == 1
    for sector in (Sector.HEALTH, Sector.ENERGY, Sector.TELECOM, Sector.INSURANCE,
                   Sector.BANKING):
        assert sectors[sector] == 1
    hotline = next(c for c in fed.clients if c.sector is Sector.PUBLIC)
    assert hotline.slug == "numero-vert"


def test_every_queue_is_contracted_with_shares_summing_to_one(fed: Federation) -> None:
    shares: dict[str, float] = defaultdict(float)
    for contract in fed.contracts:
        for queue_id in contract.queue_ids:
            shares[queue_id] += contract.volume_share
    assert set(shares) == {q.id for q in fed.queues}
    for queue, total in shares.items():
        assert total == pytest.approx(1.0), queue


def test_contracts_match_their_queues(fed: Federation) -> None:
    queues = {q.id: q for q in fed.queues}
    for contract in fed.contracts:
        assert 1 <= sum(1 for c in fed.contracts if c.queue_ids == contract.queue_ids) <= 3
        for queue_id in contract.queue_ids:
            queue = queues[queue_id]
            assert queue.client_id == contract.client_id
            assert (queue.sl_target, queue.sl_seconds) == (contract.sl_target,
                                                          contract.sl_seconds)


def test_every_agent_skill_is_a_queue_of_their_contracts(fed: Federation) -> None:
    queue_skills = {q.id: q.skill for q in fed.queues}
    contracted: dict[str, set[str]] = defaultdict(set)
    for contract in fed.contracts:
        contracted[contract.outsourcer_id] |= {queue_skills[q] for q in contract.queue_ids}
    for agent in fed.agents:
        assert agent.skills, agent.id
        assert set(agent.skills) <= contracted[agent.outsourcer_id], agent.id


def test_every_contract_is_staffed_by_its_outsourcer(fed: Federation) -> None:
    queues = {q.id: q for q in fed.queues}
    for contract in fed.contracts:
        own = [a for a in fed.agents if a.outsourcer_id == contract.outsourcer_id]
        for queue_id in contract.queue_ids:
            queue = queues[queue_id]
            able = [a for a in own if queue.skill in a.skills]
            if queue.telework is TeleworkRule.ON_SITE_ONLY:
                able = [a for a in able if a.works_from is WorkPlace.SITE]
            assert able, (contract.id, queue.slug)


def test_home_agents_can_work_on_some_queue(fed: Federation) -> None:
    waiver = fed.waivers[0]
    home_ok = {q.skill for q in fed.queues if q.telework is TeleworkRule.ALLOWED
               or (q.telework is TeleworkRule.WITH_WAIVER and q.id in waiver.queue_ids)}
    for agent in fed.agents:
        if agent.works_from is WorkPlace.HOME:
            assert set(agent.skills) & home_ok, agent.id


def test_agents_belong_to_sites_of_their_outsourcer_within_seats(fed: Federation) -> None:
    sites = {s.id: s for s in fed.sites}
    on_site = Counter(a.site_id for a in fed.agents if a.works_from is WorkPlace.SITE)
    for agent in fed.agents:
        assert agent.site_id is not None
        assert sites[agent.site_id].outsourcer_id == agent.outsourcer_id, agent.id
    for site in fed.sites:
        assert 80 <= site.seats <= 250
        assert on_site[site.id] <= site.seats, site.slug
    for outsourcer in fed.outsourcers:
        assert sum(1 for s in fed.sites if s.outsourcer_id == outsourcer.id) == 2
        mine = [a for a in fed.agents if a.outsourcer_id == outsourcer.id]
        assert any(a.works_from is WorkPlace.HOME for a in mine)
        assert any(a.works_from is WorkPlace.SITE for a in mine)


def test_agents_are_varied(fed: Federation) -> None:
    levels = {level for agent in fed.agents for level in agent.skills.values()}
    assert levels == {1, 2, 3, 4, 5}
    assert all("fr" in a.languages for a in fed.agents)
    assert {"en", "ar", "es"} <= {lang for a in fed.agents for lang in a.languages}
    assert {a.capacity[Channel.CHAT] for a in fed.agents} == {2, 3}


def test_bank_waiver_covers_only_bank_queues_and_is_active(fed: Federation) -> None:
    (waiver,) = fed.waivers
    bank = next(c for c in fed.clients if c.sector is Sector.BANKING)
    bank_queues = {q.id for q in fed.queues if q.client_id == bank.id}
    assert waiver.client_id == bank.id
    assert waiver.queue_ids == bank_queues
    assert all(q.telework is TeleworkRule.WITH_WAIVER for q in fed.queues
               if q.id in bank_queues)
    assert waiver.active_at(NOW)
    assert not waiver.active_at(NOW + timedelta(days=30))
    assert "VPN" in waiver.conditions
    assert waiver.accepted_by


def test_users_reference_existing_things(fed: Federation) -> None:
    usernames = [u.username for u in fed.users]
    assert len(usernames) == len(set(usernames))
    admin = next(u for u in fed.users if u.username == "admin")
    assert (admin.password, admin.role) == ("admin-demo", "admin")
    assert all(u.password == f"{u.username}-demo" for u in fed.users)
    outsourcers = {o.slug for o in fed.outsourcers}
    clients = {c.slug for c in fed.clients}
    agents = {a.id: a for a in fed.agents}
    for slug in outsourcers:
        assert f"sup-{slug}" in usernames
        assert f"manager-{slug}" in usernames
    for slug in clients:
        assert f"client-{slug}" in usernames
    agent_users = [u for u in fed.users if u.role == "agent"]
    assert len(agent_users) == 3
    assert len({u.outsourcer_slug for u in agent_users}) == 3
    for user in fed.users:
        assert user.outsourcer_slug is None or user.outsourcer_slug in outsourcers
        assert user.client_slug is None or user.client_slug in clients
        if user.agent_id is not None:
            assert user.agent_id in agents
            assert agents[user.agent_id].outsourcer_id == f"os-{user.outsourcer_slug}"
    waiver = fed.waivers[0]
    bank_skills = {q.skill for q in fed.queues if q.id in waiver.queue_ids}
    assert any(agents[u.agent_id].works_from is WorkPlace.HOME
               and set(agents[u.agent_id].skills) & bank_skills
               for u in agent_users if u.agent_id is not None)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        build_federation(datetime(2020, 3, 20, 9, 0))

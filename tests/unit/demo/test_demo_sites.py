"""The demo's sites: plans the size of the sites, deterministic, demo users cleared."""

from __future__ import annotations

from datetime import UTC, date, datetime

from renfort.demo.federation import build_federation
from renfort.demo.sites import demo_consultations, demo_home_setups, demo_sites
from renfort.domain.model import WorkPlace
from renfort.sites.guide import GUIDE

NOW = datetime(2020, 3, 17, 9, tzinfo=UTC)


def test_demo_sites_are_deterministic_and_sized() -> None:
    fed = build_federation(NOW)
    sites = demo_sites(fed)
    assert sites == demo_sites(build_federation(NOW))
    seats = {s.id: s.seats for s in fed.sites}
    assert {d.site_id: len(d.plan) for d in sites} == seats


def test_demo_home_setups_cover_home_agents_and_clear_demo_users() -> None:
    fed = build_federation(NOW)
    setups = {s.agent_id: s for s in demo_home_setups(fed)}
    home = {a.id for a in fed.agents if a.works_from is WorkPlace.HOME}
    assert set(setups) == home
    assert any(not s.eligible for s in setups.values())
    for user in fed.users:
        if user.agent_id in setups:
            assert setups[user.agent_id].eligible


def test_demo_consultations_use_guide_codes_and_past_dates() -> None:
    fed = build_federation(NOW)
    codes = {m.code for m in GUIDE}
    consultations = demo_consultations(fed, date(2020, 3, 17))
    assert len(consultations) == 2 * len(fed.sites)
    for c in consultations:
        assert c.consultation.held_on < date(2020, 3, 17)
        assert {code for code, _, _ in c.changes} <= codes

"""Sites tables on SQLite and PostgreSQL: plans round-trip, one open stay per agent and per
seat even without the service's checks, home set-ups that block routing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from renfort.domain.clock import ManualClock
from renfort.domain.ids import AgentId
from renfort.routing.types import AgentStatus
from renfort.services.auth import AuthService
from renfort.services.demo_load import load_demo
from renfort.services.desk_handlers import DeskCore
from renfort.sites.distancing import DistancingRule, usable_seats
from renfort.sites.generate import make_plan
from renfort.sites.measures import Consultation, MeasureStatus
from renfort.sites.telework import HomeSetup
from renfort.store import sites_repository as srepo
from renfort.store import tables as t
from renfort.store.engine import make_engine
from tests.conftest import T0

SITE = "site-atlantique-poitiers"


def test_sites_store_round_trip_and_guards(database_url: str) -> None:
    engine = make_engine(database_url)
    clock = ManualClock(T0)
    load_demo(engine, AuthService(engine, clock, 3600), datetime.fromtimestamp(T0, tz=UTC))
    plan = make_plan("mixed", 60, seed=9)
    rule = DistancingRule(1.5, free_seat_between=True)
    result = usable_seats(plan, rule, time_limit=5)
    with engine.begin() as conn:
        srepo.save_plan(conn, SITE, plan)
        srepo.save_distancing(conn, SITE, rule, 15.0, result, T0, "test")
    with engine.connect() as conn:
        assert srepo.load_plan(conn, SITE) == plan
        stored = srepo.load_distancing(conn, SITE)
        assert stored is not None and srepo.rule_of(stored) == rule
        assert stored["usable"] == list(result.usable)
    row = {"site_id": SITE, "agent_id": "ag-atlantique-001", "checked_in_at": T0,
           "checked_out_at": None, "checked_in_by": "t", "checked_out_by": None}
    with engine.begin() as conn:
        srepo.insert_checkin(conn, {**row, "id": "c1", "seat_id": result.usable[0]})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # same agent, still seated
        srepo.insert_checkin(conn, {**row, "id": "c2", "seat_id": result.usable[1]})
    with pytest.raises(IntegrityError), engine.begin() as conn:  # same seat, still taken
        srepo.insert_checkin(conn, {**row, "id": "c3", "seat_id": result.usable[0],
                                    "agent_id": "ag-atlantique-002"})
    with engine.begin() as conn:
        srepo.close_checkin(conn, "c1", T0 + 60, "t")
        srepo.insert_checkin(conn, {**row, "id": "c4", "seat_id": result.usable[0],
                                    "checked_in_at": T0 + 7200})
        assert srepo.last_checkouts(conn, SITE) == {result.usable[0]: T0 + 60}
        assert len(srepo.stays_between(conn, SITE, T0 - 1, T0 + 10_000)) == 2
        consultation = Consultation(date(2020, 3, 17), ("CSE",), "favorable", "appliquer")
        srepo.insert_consultation(conn, "k1", SITE, consultation, T0, "t")
        srepo.record_change(conn, site_id=SITE, code="masques", before=None,
                            after=MeasureStatus.IN_PLACE, evidence="photo",
                            consultation_id="k1", at=T0, by="t")
        [change] = [h for h in srepo.history(conn, [SITE]) if h["consultation_id"] == "k1"]
        assert srepo.consultation_of(change) == consultation
    with engine.begin() as conn:
        blocked = srepo.home_blocked(conn)
        home_agent = next(iter(sorted(blocked))) if blocked else None
        assert home_agent is not None  # the demo has uncleared home agents
        srepo.save_home_setup(conn, HomeSetup(home_agent, True, True, True, True), T0, "t")
        assert home_agent not in srepo.home_blocked(conn)
        still_blocked = next(iter(sorted(srepo.home_blocked(conn))))
        # As if the agent had been available when the process stopped.
        conn.execute(update(t.agents).where(t.agents.c.id == still_blocked)
                     .values(status="available"))
    core = DeskCore(engine, clock, offer_timeout=20)
    with engine.begin() as conn:  # a restart puts the uncleared home agent on break, and says so
        core.load(conn, restart=True).write(conn)
    assert core.router.agent_status(AgentId(still_blocked)) is AgentStatus.BREAK
    with engine.connect() as conn:
        row = conn.execute(select(t.agents.c.status, t.agents.c.status_reason)
                           .where(t.agents.c.id == still_blocked)).one()
    assert row.status == "break" and row.status_reason.startswith("télétravail")
    engine.dispose()

"""Load the demo's sites under distancing; running it twice changes nothing.

Seat plans and capacities are written only where they differ or are missing, home set-ups
only for agents without one, and the register's consultations only on a site that has
none (the register is append-only).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import Engine, select

from renfort.demo.federation import Federation
from renfort.demo.sites import demo_consultations, demo_home_setups, demo_sites
from renfort.domain.ids import new_id
from renfort.sites.distancing import usable_seats
from renfort.sites.guide import GUIDE
from renfort.sites.measures import MeasureStatus
from renfort.store import sites_repository as srepo
from renfort.store import sites_tables as st

BY = "demo"
TIME_LIMIT = 10.0


def load_demo_sites(engine: Engine, fed: Federation, now: datetime) -> dict[str, int]:
    at = now.timestamp()
    counts = {"seat_plans": 0, "usable_seats": 0, "home_setups": 0, "consultations": 0}
    with engine.begin() as conn:
        counts["measures"] = srepo.save_guide(conn, GUIDE)
    for demo in demo_sites(fed):
        with engine.connect() as conn:
            stored = srepo.load_plan(conn, demo.site_id)
            dist = srepo.load_distancing(conn, demo.site_id)
        if stored == demo.plan and dist is not None and srepo.rule_of(dist) == demo.rule:
            counts["usable_seats"] += dist["capacity"]
            continue
        result = usable_seats(demo.plan, demo.rule, time_limit=TIME_LIMIT)
        with engine.begin() as conn:
            if stored != demo.plan and not srepo.open_checkins(conn, site_id=demo.site_id):
                srepo.save_plan(conn, demo.site_id, demo.plan)
            srepo.save_distancing(conn, demo.site_id, demo.rule, demo.cleaning_minutes,
                                  result, at, BY)
        counts["seat_plans"] += 1
        counts["usable_seats"] += result.count
    with engine.begin() as conn:
        known = set(conn.execute(select(st.home_setups.c.agent_id)).scalars())
        for setup in demo_home_setups(fed):
            if setup.agent_id not in known:
                srepo.save_home_setup(conn, setup, at, BY)
                counts["home_setups"] += 1
        consulted = set(conn.execute(select(st.measure_consultations.c.site_id)).scalars())
        for demo_c in demo_consultations(fed, now.date()):
            if demo_c.site_id in consulted:
                continue
            consultation_id = new_id()
            held_at = min(at, datetime.combine(demo_c.consultation.held_on, time(17, 0),
                                               UTC).timestamp())
            srepo.insert_consultation(conn, consultation_id, demo_c.site_id,
                                      demo_c.consultation, held_at, BY)
            current = srepo.site_measures(conn, demo_c.site_id)
            for code, status, evidence in demo_c.changes:
                before = current.get(code)
                srepo.record_change(
                    conn, site_id=demo_c.site_id, code=code,
                    before=None if before is None else MeasureStatus(before["status"]),
                    after=status, evidence=evidence, consultation_id=consultation_id,
                    at=held_at, by=BY)
            counts["consultations"] += 1
    return counts

"""Saved plans on SQLite and PostgreSQL: migration 0008, tenant filter, refusals."""

from __future__ import annotations

import pytest

from renfort.domain.clock import ManualClock
from renfort.domain.errors import NotFoundError, ValidationError
from renfort.domain.ids import OutsourcerId
from renfort.domain.model import Outsourcer
from renfort.services.principals import Principal, Role
from renfort.services.saved_plans import SavedPlanService
from renfort.store import repository as repo
from renfort.store.engine import make_engine

CSV = "queue,interval_start,volume\nq,2020-03-18T08:00:00+01:00,3\n"


def test_plans_per_tenant_newest_first(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        for slug in ("atl", "nord"):
            repo.save_outsourcer(conn, Outsourcer(OutsourcerId(slug), slug, slug))
    clock = ManualClock(1_584_400_000.0)
    service = SavedPlanService(engine, clock)
    atl = Principal("u1", "m-atl", Role.OUTSOURCER_MANAGER, outsourcer_id="atl")
    nord = Principal("u2", "m-nord", Role.OUTSOURCER_MANAGER, outsourcer_id="nord")
    admin = Principal("u0", "admin", Role.ADMIN)
    first = service.save(atl, "lundi", {"forecast": CSV}, {"calls": 3})
    clock.advance(60)
    second = service.save(atl, "mardi", {"staffing": CSV, "shifts": CSV})
    clock.advance(60)
    service.save(nord, "nord", {"forecast": CSV})
    assert [p["name"] for p in service.list(atl)] == ["mardi", "lundi"]
    assert [p["name"] for p in service.list(admin)] == ["nord", "mardi", "lundi"]
    assert service.get(atl, first["id"])["summary"] == {"calls": 3}
    assert service.file(atl, second["id"], "shifts") == CSV
    with pytest.raises(NotFoundError):
        service.file(nord, second["id"], "shifts")
    with pytest.raises(ValidationError):
        service.save(atl, "x" * 201, {"forecast": CSV})
    assert len(service.list(admin)) == 3
    service.delete(admin, first["id"])
    assert [p["name"] for p in service.list(atl)] == ["mardi"]
    engine.dispose()

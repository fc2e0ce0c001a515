"""The interval facts and the routing audit on both stores: written in the commits that
offer and finish contacts, and the rebuild gives the same table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from renfort.demo.federation import build_federation
from renfort.domain.clock import ManualClock
from renfort.services import facts
from renfort.services.commands import Abandon, Accept, LogIn, WrapUp
from renfort.store.engine import make_engine
from renfort.store.report_tables import interval_facts, offer_audit
from tests.conftest import T0
from tests.integration.test_desk_store import _call, _desk, _run, _with_demo


def _rows(engine: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(interval_facts).order_by(
            *interval_facts.primary_key.columns)).mappings()]


def test_facts_kept_in_the_commit_and_rebuilt_alike(database_url: str) -> None:
    clock = ManualClock(T0)
    _with_demo(database_url, clock)
    engine = make_engine(database_url)
    users = build_federation(datetime.fromtimestamp(T0, tz=UTC)).users
    agent = next(u.agent_id for u in users if u.username == "agent-hotline")
    assert agent

    async def scenario() -> None:
        desk = _desk(engine, clock)
        await desk.start()
        await desk.execute(LogIn(agent))
        for n in range(3):
            contact = await desk.execute(_call(f"+33 6 00 00 01 {n:02d}"))
            clock.advance(4)
            await desk.execute(Accept(contact.id, agent))
            clock.advance(100)
            await desk.execute(WrapUp(contact.id, agent, "informed"))
        waiting = await desk.execute(_call("+33 6 00 00 02 00"))
        blocking = await desk.execute(_call("+33 6 00 00 02 01"))
        await desk.execute(Abandon(waiting.id))
        await desk.execute(Abandon(blocking.id))
        await desk.stop()

    _run(scenario())
    kept = _rows(engine)
    assert sum(r["offered"] for r in kept) == 5
    assert sum(r["answered"] for r in kept) == 3
    assert sum(r["answered_in_sl"] for r in kept) == 3
    assert sum(r["abandoned"] for r in kept) == 2
    assert sum(r["handle_seconds"] for r in kept) == 300.0
    with engine.connect() as conn:
        assert len(conn.execute(select(offer_audit)).all()) >= 4
    with engine.begin() as conn:
        assert facts.rebuild(conn) == 5
    assert _rows(engine) == kept
    engine.dispose()

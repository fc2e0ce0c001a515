"""The desk writes every transition before answering, and rebuilds itself from the store."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from renfort.demo.federation import build_federation
from renfort.domain.clock import ManualClock
from renfort.domain.errors import AgentStateError, ValidationError
from renfort.domain.model import Channel
from renfort.services.auth import AuthService
from renfort.services.commands import Accept, LogIn, ReceiveContact, SetBreak, Tick
from renfort.services.demo_load import load_demo
from renfort.services.desk import Desk
from renfort.services.events import EventBus
from renfort.store import tables as t
from renfort.store.engine import make_engine
from tests.conftest import T0


def _run(scenario: Coroutine[Any, Any, None]) -> None:
    """Run on a thread of its own: browser tests may leave an event loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario).result()


def _desk(engine: Engine, clock: ManualClock) -> Desk:
    return Desk(engine, clock, EventBus(), offer_timeout=20)


def _with_demo(url: str, clock: ManualClock) -> None:
    engine = make_engine(url)
    load_demo(engine, AuthService(engine, clock, 3600), datetime.fromtimestamp(T0, tz=UTC))
    engine.dispose()


def _call(ref: str, channel: Channel = Channel.VOICE) -> ReceiveContact:
    return ReceiveContact("hotline-general", channel, ref)


async def _receive(desk: Desk, n: int) -> list[str]:
    ids = []
    for i in range(n):
        contact = await desk.execute(_call(f"+33 6 00 00 00 {i:02d}"))
        ids.append(contact.id)
    return ids


def _waiting(desk: Desk) -> list[str]:
    """Waiting contacts in the order they queued, from the committed snapshot."""
    waiting = [c for c in desk.view.contacts_in_flight() if c.state.value == "queued"]
    return [c.id for c in sorted(waiting, key=lambda c: c.seq)]


def test_restart_rebuilds_waiting_contacts_in_order(database_url: str) -> None:
    clock = ManualClock(T0)
    _with_demo(database_url, clock)

    engine = make_engine(database_url)

    async def scenario() -> None:
        desk = _desk(engine, clock)
        await desk.start()
        ids = await _receive(desk, 5)
        await desk.stop()
        again = _desk(engine, clock)
        await again.start()
        assert _waiting(again) == ids
        await again.stop()

    _run(scenario())
    engine.dispose()


def test_a_failing_command_does_not_spoil_its_batch(database_url: str) -> None:
    clock = ManualClock(T0)
    _with_demo(database_url, clock)

    engine = make_engine(database_url)

    async def scenario() -> None:
        desk = _desk(engine, clock)
        await desk.start()

        results = await asyncio.gather(
            desk.execute(_call("x1")), desk.execute(_call("y", Channel.EMAIL)),
            desk.execute(_call("x2")), return_exceptions=True)
        assert isinstance(results[1], ValidationError)
        first = results[0]
        assert not isinstance(first, BaseException)
        with pytest.raises(AgentStateError):
            await desk.execute(Accept(first.id, "nobody"))
        assert first.id in _waiting(desk)
        live = desk.live_contact(first.id)
        assert live is not None and live.state.value == "queued"
        await desk.stop()
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.contacts)).scalar() == 2
            assert conn.execute(select(t.contacts.c.state).where(
                t.contacts.c.id == first.id)).scalar() == "queued"

    _run(scenario())
    engine.dispose()


def test_restart_keeps_agents_presence_missed_included(database_url: str) -> None:
    clock = ManualClock(T0)
    _with_demo(database_url, clock)
    engine = make_engine(database_url)
    users = build_federation(datetime.fromtimestamp(T0, tz=UTC)).users
    hotline = next(u.agent_id for u in users if u.username == "agent-hotline")
    on_break = next(u.agent_id for u in users if u.username == "agent-health")
    assert hotline and on_break

    async def scenario() -> None:
        desk = _desk(engine, clock)
        await desk.start()
        await asyncio.gather(desk.execute(LogIn(hotline)), desk.execute(LogIn(on_break)))
        await desk.execute(SetBreak(on_break, "pause déjeuner"))
        contact = await desk.execute(_call("x"))
        assert contact.agent_id == hotline
        clock.advance(60)
        await desk.execute(Tick())
        await desk.stop()
        again = _desk(engine, clock)
        await again.start()
        assert str(again.agent_status(hotline)) == "missed"
        assert str(again.agent_status(on_break)) == "break"
        assert _waiting(again) == [contact.id]
        await again.stop()

    _run(scenario())
    engine.dispose()

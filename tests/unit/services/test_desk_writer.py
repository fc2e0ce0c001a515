"""The desk's writer: a command that fails, fails alone; the store going away is ridden out;
the writer and the timer never die silently. Against a real store (the demo on SQLite)."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from renfort.domain.clock import ManualClock
from renfort.domain.errors import (
    ConflictError,
    InternalError,
    UnavailableError,
    ValidationError,
)
from renfort.domain.model import Channel
from renfort.services import desk_writer
from renfort.services.batch import Batch
from renfort.services.commands import Abandon, LogIn, ReceiveContact
from renfort.services.desk import Desk
from renfort.services.desk_handlers import DeskCore
from renfort.services.events import EventBus, LiveEvent
from renfort.store import tables as t
from renfort.store.engine import make_engine
from tests.conftest import T0

QUEUE = "hotline-general"


@pytest.fixture
def engine(tmp_path: Path, demo_template: Path) -> Iterator[Engine]:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'renfort.db'}")
    yield engine
    engine.dispose()


def _call(ref: str, channel: Channel = Channel.VOICE, external: str | None = None
          ) -> ReceiveContact:
    return ReceiveContact(QUEUE, channel, ref, external)


def _contacts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.contacts)).scalar_one())


def _run(engine: Engine, scenario: Callable[[Desk, list[LiveEvent]], Awaitable[None]]) -> None:
    """``scenario(desk, published)`` with a started desk, on a thread of its own."""

    async def main() -> None:
        bus = EventBus()
        published: list[LiveEvent] = []
        original = bus.publish

        def spy(events: Any) -> None:
            events = list(events)
            published.extend(events)
            original(events)

        bus.publish = spy  # type: ignore[method-assign]
        desk = Desk(engine, ManualClock(T0), bus, offer_timeout=20)
        await desk.start()
        try:
            await scenario(desk, published)
        finally:
            await desk.stop()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()


async def _settle(desk: Desk) -> None:
    """Let the events handed to the loop be published."""
    for _ in range(3):
        await asyncio.sleep(0)


def test_acknowledged_commands_are_committed_then_published(engine: Engine) -> None:
    async def scenario(desk: Desk, published: list[LiveEvent]) -> None:
        before = _contacts(engine)
        views = await asyncio.gather(*(desk.execute(_call(f"+33 6 00 00 00 {i:02d}"))
                                       for i in range(5)))
        assert _contacts(engine) == before + 5
        await _settle(desk)
        queued = [e.data["contact"] for e in published if e.type == "contact.queued"]
        assert queued == [v.id for v in views]
        assert all(desk.live_contact(v.id) is not None for v in views)

    _run(engine, scenario)


def test_a_refused_command_fails_alone_and_changes_nothing(engine: Engine) -> None:
    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        before = _contacts(engine)
        results = await asyncio.gather(
            desk.execute(_call("a")), desk.execute(_call("b", Channel.EMAIL)),
            desk.execute(_call("c")), return_exceptions=True)
        assert isinstance(results[1], ValidationError)
        assert not isinstance(results[0], BaseException)
        assert not isinstance(results[2], BaseException)
        assert _contacts(engine) == before + 2

    _run(engine, scenario)


def _half_done(monkeypatch: pytest.MonkeyPatch, error: Exception, ref: str) -> None:
    """Contacts for ``ref`` are received in memory, then the command fails."""
    original = DeskCore._receive_contact

    def receive(self: DeskCore, command: ReceiveContact, batch: Batch) -> Any:
        contact = original(self, command, batch)
        if command.customer_ref == ref:
            raise error
        return contact

    monkeypatch.setattr(DeskCore, "_receive_contact", receive)


@pytest.mark.parametrize("error", [ConflictError("refused after a change", {}),
                                   RuntimeError("a bug")])
def test_a_command_failing_half_way_is_undone_and_fails_alone(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    _half_done(monkeypatch, error, "poison")

    async def scenario(desk: Desk, published: list[LiveEvent]) -> None:
        before = _contacts(engine)
        results = await asyncio.gather(
            desk.execute(_call("good-1")), desk.execute(_call("poison")),
            desk.execute(_call("good-2")), return_exceptions=True)
        good = [r for r in results if not isinstance(r, BaseException)]
        assert len(good) == 2
        failure = results[1]
        if isinstance(error, ConflictError):
            assert failure is error
        else:
            assert isinstance(failure, InternalError) and failure.details["incident"]
        assert _contacts(engine) == before + 2
        # Memory agrees with the store: the half-received contact is not waiting anywhere.
        assert {c.id for c in desk.view.contacts_in_flight()} >= {g.id for g in good}
        assert len(desk.core._contacts) == len(desk.view.contacts_in_flight())
        await _settle(desk)
        assert {e.data["contact"] for e in published if e.type == "contact.queued"} \
            == {g.id for g in good}
        after = await desk.execute(_call("good-3"))  # and the desk goes on
        assert desk.live_contact(after.id) is not None

    _run(engine, scenario)


def test_a_failure_inside_routing_keeps_the_command(engine: Engine,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    original = DeskCore.route
    calls = {"n": 0}

    def route(self: DeskCore, batch: Batch) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("routing bug")
        original(self, batch)

    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        monkeypatch.setattr(DeskCore, "route", route)
        before = _contacts(engine)
        contact = await desk.execute(_call("x"))
        assert _contacts(engine) == before + 1
        assert desk.live_contact(contact.id) is not None

    _run(engine, scenario)


def test_a_row_the_store_refuses_fails_alone(engine: Engine) -> None:
    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        first = await desk.execute(_call("x", external="call-1"))
        await desk.execute(Abandon(first.id))  # finished: no longer known in memory
        before = _contacts(engine)
        results = await asyncio.gather(
            desk.execute(_call("good-1")), desk.execute(_call("reuse", external="call-1")),
            desk.execute(_call("good-2")), return_exceptions=True)
        assert isinstance(results[1], ConflictError)
        assert not isinstance(results[0], BaseException)
        assert not isinstance(results[2], BaseException)
        assert _contacts(engine) == before + 2

    _run(engine, scenario)


def test_a_store_outage_is_refused_at_once_then_ridden_out(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    down = {"on": False}
    original_write = Batch.write
    original_load = DeskCore.load

    def broken() -> None:
        if down["on"]:
            raise OperationalError("INSERT …", {}, Exception("server closed the connection"))

    def write(self: Batch, conn: Any) -> None:
        broken()
        original_write(self, conn)

    def load(self: DeskCore, conn: Any, *, restart: bool) -> Batch:
        broken()
        return original_load(self, conn, restart=restart)

    monkeypatch.setattr(Batch, "write", write)
    monkeypatch.setattr(DeskCore, "load", load)
    monkeypatch.setattr(desk_writer, "BACKOFF_MAX", 0.2)

    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        before = _contacts(engine)
        down["on"] = True
        with pytest.raises(UnavailableError):
            await desk.execute(_call("lost"))
        assert not desk.readiness()["ready"]
        assert "unreachable" in desk.readiness()["reason"]
        assert desk.liveness()["alive"]
        started = time.monotonic()
        with pytest.raises(UnavailableError) as refused:
            await desk.execute(_call("refused at once"))
        assert time.monotonic() - started < 1.0
        assert refused.value.details["retry_after_seconds"] >= 1
        down["on"] = False
        for _ in range(100):
            if desk.readiness()["ready"]:
                break
            await asyncio.sleep(0.05)
        assert desk.readiness()["ready"]
        contact = await desk.execute(_call("after"))
        assert _contacts(engine) == before + 1
        assert [c.id for c in desk.view.contacts_in_flight()
                if c.id == contact.id] == [contact.id]

    _run(engine, scenario)


def test_a_command_not_started_before_its_deadline_never_runs(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    original = DeskCore._log_in

    def slow(self: DeskCore, command: LogIn, batch: Batch) -> Any:
        time.sleep(0.5)
        return original(self, command, batch)

    monkeypatch.setattr(DeskCore, "_log_in", slow)

    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        agent = desk.agents()[0].id
        before = _contacts(engine)
        blocker = asyncio.ensure_future(desk.execute(LogIn(agent)))
        await asyncio.sleep(0.05)
        with pytest.raises(UnavailableError):
            await desk.execute(_call("late"), timeout=0.1)
        await blocker
        await asyncio.sleep(0.1)
        assert _contacts(engine) == before

    _run(engine, scenario)


def test_a_dead_writer_thread_is_restarted(engine: Engine) -> None:
    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        writer = desk._writer
        inbox = writer._inbox

        class Broken:
            def get(self, timeout: float | None = None) -> object:
                writer._inbox = inbox
                raise RuntimeError("injected: the writer's loop breaks")

            def put(self, item: object) -> None:
                inbox.put(item)

        writer._inbox = Broken()  # type: ignore[assignment]
        for _ in range(100):
            await asyncio.sleep(0.05)
            if not writer.alive():
                break
        assert not desk.liveness()["alive"]
        for _ in range(100):
            await asyncio.sleep(0.05)
            if desk.liveness()["alive"] and desk.readiness()["ready"]:
                break
        assert desk.liveness()["alive"] and desk.readiness()["ready"]
        contact = await desk.execute(_call("after restart"))
        assert desk.live_contact(contact.id) is not None

    _run(engine, scenario)


def test_a_dead_timer_is_restarted(engine: Engine) -> None:
    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        timer = desk._timer
        assert timer is not None
        timer.cancel()
        await asyncio.sleep(0)
        assert not desk.liveness()["alive"]
        for _ in range(60):
            await asyncio.sleep(0.05)
            if desk.liveness()["alive"]:
                break
        assert desk.liveness()["alive"] and desk._timer is not timer

    _run(engine, scenario)


def test_the_timer_survives_a_failing_tick(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    calls = {"n": 0}
    original = Desk.execute

    async def execute(self: Desk, command: Any, timeout: float | None = None) -> Any:
        if type(command).__name__ == "Tick":
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("injected tick failure")
        return await original(self, command, timeout)

    monkeypatch.setattr(Desk, "execute", execute)

    async def scenario(desk: Desk, _: list[LiveEvent]) -> None:
        for _ in range(60):
            await asyncio.sleep(0.1)
            if calls["n"] >= 2:
                break
        assert calls["n"] >= 2
        assert desk.liveness()["alive"]

    _run(engine, scenario)
    assert "the tick failed" in caplog.text

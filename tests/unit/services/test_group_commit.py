"""The desk's single writer: what is acknowledged is committed, and a failed commit fails
every command of its batch and rebuilds the memory from the store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from renfort.domain.errors import ConflictError, ValidationError
from renfort.services.batch import Batch
from renfort.services.events import LiveEvent
from renfort.services.group_commit import GroupCommitWriter
from renfort.store import tables as t


class Spy:
    def __init__(self) -> None:
        self.published: list[list[LiveEvent]] = []
        self.rebuilds = 0
        self.routed = 0

    def writer(self, engine: Engine) -> GroupCommitWriter:
        def route(_: Batch) -> None:
            self.routed += 1

        def rebuild() -> None:
            self.rebuilds += 1

        return GroupCommitWriter(engine, after_each=route, rebuild=rebuild,
                                 publish=self.published.append)


def _status(agent: str) -> Batch:
    part = Batch()
    part.agent_events.append({"agent_id": agent, "status": "available", "reason": None,
                              "at": 1.0})
    part.published.append(LiveEvent("agent.status_changed", {"agent": agent}))
    return part


def _command(agent: str, fail: bool = False) -> Callable[[Batch], str]:
    def run(batch: Batch) -> str:
        batch.merge(_status(agent))
        if fail:
            raise ValidationError("refused after a change", {})
        return agent
    return run


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.agent_events)).scalar_one())


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    t.metadata.create_all(engine)
    return engine


async def _together(writer: GroupCommitWriter,
                    *runs: Callable[[Batch], str]) -> list[str | BaseException]:
    writer.start()
    try:
        return await asyncio.gather(*(writer.submit(r) for r in runs), return_exceptions=True)
    finally:
        await writer.stop()


def test_acknowledged_commands_are_committed_then_published(engine: Engine) -> None:
    spy = Spy()
    results = asyncio.run(_together(spy.writer(engine), *(_command(f"a{i}") for i in range(5))))
    assert results == [f"a{i}" for i in range(5)]
    assert _rows(engine) == 5 and spy.routed == 5 and spy.rebuilds == 0
    assert [e.data["agent"] for batch in spy.published for e in batch] == \
        [f"a{i}" for i in range(5)]


def test_a_command_failing_half_way_fails_alone_and_memory_is_rebuilt(engine: Engine) -> None:
    spy = Spy()
    results = asyncio.run(_together(spy.writer(engine), _command("a"),
                                    _command("b", fail=True), _command("c")))
    assert results[0] == "a" and results[2] == "c"
    assert isinstance(results[1], ValidationError)
    assert _rows(engine) == 2  # b's half-made change is not written
    assert spy.rebuilds == 1
    assert [e.data["agent"] for batch in spy.published for e in batch] == ["a", "c"]


def test_a_failed_commit_fails_every_command_and_publishes_nothing(tmp_path: Path) -> None:
    spy = Spy()
    no_tables = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    results = asyncio.run(_together(spy.writer(no_tables), _command("a"), _command("b")))
    assert all(isinstance(r, ConflictError) for r in results), results
    assert spy.rebuilds == 1 and spy.published == []


def test_submit_needs_a_running_writer(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        asyncio.run(Spy().writer(engine).submit(_command("a")))

"""The desk's single writer: commands run one at a time, committed in batches.

Every command (a contact arrives, an agent accepts, a caller hangs up…) is queued to one
asyncio task. The task runs the commands of a batch in arrival order, each against the
in-memory state, writes all their rows in ONE transaction (group commit), and only then
answers the callers and publishes the live events. So an acknowledged command is always on
disk, the memory is never touched by two writers, and a burst of arrivals costs one fsync,
not one each.

If the commit fails, every command of the batch fails and the memory is rebuilt from the
store, which is the only source of truth. A command that fails half-way (after changing
memory) fails alone, and the memory is rebuilt after its batch is committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine

from renfort.domain.errors import ConflictError, RenfortError
from renfort.services.batch import Batch
from renfort.services.events import LiveEvent

log = logging.getLogger("renfort.desk")
T = TypeVar("T")
MAX_BATCH = 512


@dataclass
class _Command:
    run: Callable[[Batch], Any]
    future: asyncio.Future[Any]


class GroupCommitWriter:
    """Runs commands in one task; *after_each* completes a command's batch (routing),
    *rebuild* reloads the memory from the store, *publish* sends committed events."""

    def __init__(self, engine: Engine, *, after_each: Callable[[Batch], None],
                 rebuild: Callable[[], None],
                 publish: Callable[[list[LiveEvent]], None]) -> None:
        self._engine = engine
        self._after_each = after_each
        self._rebuild = rebuild
        self._publish = publish
        self._inbox: asyncio.Queue[_Command | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="renfort-desk")

    async def stop(self) -> None:
        if self._task:
            await self._inbox.put(None)
            await self._task

    async def submit(self, run: Callable[[Batch], T]) -> T:
        """Run ``run`` in the writer; returns once its effects are committed."""
        if self._task is None or self._task.done():
            raise RuntimeError("the desk is not running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._inbox.put(_Command(run, future))
        return await future

    async def _loop(self) -> None:
        while True:
            first = await self._inbox.get()
            commands = [first]
            while len(commands) < MAX_BATCH and not self._inbox.empty():
                commands.append(self._inbox.get_nowait())
            stopping = any(c is None for c in commands)
            await self._run_batch([c for c in commands if c is not None])
            if stopping:
                return

    async def _run_batch(self, commands: list[_Command]) -> None:
        batch = Batch()
        outcomes: list[tuple[_Command, Any, BaseException | None]] = []
        reload = False
        for command in commands:
            part = Batch()
            try:
                result = command.run(part)
                self._after_each(part)
            except RenfortError as error:
                outcomes.append((command, None, error))
                # A command that failed half-way may have changed the memory it leaves
                # unsaved: the store is the truth, so rebuild from it after this batch.
                reload = reload or not part.empty() or bool(part.published)
                continue
            batch.merge(part)
            outcomes.append((command, result, None))
        try:
            if not batch.empty():
                await asyncio.to_thread(self._commit, batch)
        except Exception as error:  # the store refused: nothing of this batch happened
            log.exception("commit failed; rebuilding the router from the store")
            await asyncio.to_thread(self._rebuild)
            for command, _, _ in outcomes:
                if not command.future.done():
                    command.future.set_exception(ConflictError(
                        "the change could not be saved; nothing was changed",
                        {"cause": type(error).__name__}))
            return
        if reload:
            await asyncio.to_thread(self._rebuild)
        for command, result, failure in outcomes:
            if command.future.done():
                continue
            if failure is not None:
                command.future.set_exception(failure)
            else:
                command.future.set_result(result)
        if batch.published:
            self._publish(batch.published)

    def _commit(self, batch: Batch) -> None:
        with self._engine.begin() as conn:
            batch.write(conn)

"""The live desk: the single writer that owns the router and the contacts in flight.

Every change to contacts or to agents' presence is a typed command
(:mod:`renfort.services.commands`) handed to :meth:`Desk.execute`; the writer thread
(:mod:`renfort.services.desk_writer`) runs it and commits it with its batch before the caller
is answered. Readers use :attr:`Desk.view`, the committed snapshot. Two tasks keep it going:
the timer (time alone changes things: offers expire, waivers start) and the supervisor, which
restarts the writer thread or the timer should either ever stop, and which the liveness
check reports on.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from typing import Any, TypeVar

from sqlalchemy import Engine

from renfort.domain.clock import Clock
from renfort.domain.errors import UnavailableError
from renfort.domain.model import Agent, Queue
from renfort.routing.types import AgentStatus
from renfort.services.batch import Batch
from renfort.services.commands import Command, ReloadConfig, Tick
from renfort.services.desk_handlers import DeskCore
from renfort.services.desk_view import ContactView, DeskView
from renfort.services.desk_writer import DeskState, DeskWriter, Health, Pending, unavailable
from renfort.services.events import EventBus

log = logging.getLogger("renfort.desk")
T = TypeVar("T")
REQUEST_TIMEOUT = 10.0
"""Seconds a caller waits for the desk before a 503; a command not started by then is
never run."""
STUCK_AFTER = 60.0
"""A writer that showed no sign of life for this long is reported dead by /livez."""


class Desk:
    """Owns the router; every change to contacts or agents' presence goes through here."""

    def __init__(self, engine: Engine, clock: Clock, bus: EventBus, offer_timeout: float,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.core = DeskCore(engine, clock, offer_timeout)
        self.view = DeskView()
        self.health = Health()
        self._bus = bus
        self._clock = clock
        self._request_timeout = request_timeout
        self._writer = DeskWriter(engine, self.core, self.health, committed=self._committed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._next_wakeup: float | None = None
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Load the router from the store (or go degraded if it cannot), then serve."""
        self._loop = asyncio.get_running_loop()
        self._writer.start()
        await asyncio.to_thread(self._writer.wait_loaded)
        # Everything loaded so far lives as long as the process: keep the collector from
        # walking it again and again (a full pass over a large router pauses ~100 ms).
        gc.collect()
        gc.freeze()
        self._timer = asyncio.create_task(self._ticker(), name="renfort-desk-timer")
        self._supervisor = asyncio.create_task(self._supervise(), name="renfort-desk-watch")

    async def stop(self, timeout: float = 4.0) -> None:
        """Finish the commands in hand, refuse the rest, stop the tasks."""
        self._stopping = True
        for task in (self._supervisor, self._timer):
            if task is not None:
                task.cancel()
        await asyncio.to_thread(self._writer.stop, timeout)
        self.health.set(DeskState.STOPPING, "the service is stopping")

    def liveness(self) -> dict[str, Any]:
        """Are the writer, the timer and the supervisor running? (``/livez``)"""
        now = time.monotonic()
        problems = []
        if not self._writer.alive():
            problems.append("the desk writer is not running")
        elif now - self.health.heartbeat > STUCK_AFTER:
            problems.append(f"the desk writer shows no sign of life for "
                            f"{now - self.health.heartbeat:.0f} s")
        for name, task in (("timer", self._timer), ("supervisor", self._supervisor)):
            if task is None or task.done():
                problems.append(f"the desk {name} is not running")
        return {"alive": not problems, "problems": problems}

    def readiness(self) -> dict[str, Any]:
        """Does the desk take commands now? (``/readyz``, ``/healthz``)"""
        ready = self.health.state is DeskState.READY and self._writer.alive()
        return {"ready": ready, "state": str(self.health.state),
                "reason": self.health.reason or None, "since": self.health.since}

    # ------------------------------------------------------------------ commands

    async def execute(self, command: Command, timeout: float | None = None) -> Any:
        """Run ``command``; returns once its effects are committed (or raises why not)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        def answer(result: Any, error: BaseException | None) -> None:
            # RuntimeError: the caller's loop is closed, nobody waits any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, result, error)

        wait = self._request_timeout if timeout is None else timeout
        self._writer.submit(Pending(command, time.monotonic() + wait, answer))
        try:
            # A little longer than the writer's own deadline: a command it started is
            # answered (committed or not) rather than left in doubt.
            return await asyncio.wait_for(future, wait + 2.0)
        except TimeoutError:
            raise unavailable("the desk did not answer in time") from None

    async def reload_config(self) -> None:
        """Queues, contracts, waivers, agents or home set-ups changed in the store.

        When the desk cannot take it now, it will read the new configuration anyway when it
        rebuilds itself, so the change is not lost: nothing to report to the caller.
        """
        try:
            await self.execute(ReloadConfig())
        except UnavailableError as error:
            log.warning("configuration change kept for the next rebuild: %s", error.message)

    def _committed(self, batch: Batch, rebuilt: bool) -> None:
        """In the writer, after a commit: refresh the snapshot, then hand the events over."""
        core = self.core
        if rebuilt:
            config, contacts, agents, queues = core.full_view()
            self.view.replace(config, contacts, agents, queues, everything=True)
        elif batch.touched_contacts or batch.touched_agents or batch.config_changed:
            contacts, agents, queues = core.view_changes(batch)
            self.view.replace(core.config_view if batch.config_changed else None, contacts,
                              agents, queues)
        self._next_wakeup = core.router.next_wakeup()
        if batch.published and self._loop is not None:
            # RuntimeError: the loop is closed, the service is going away.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._bus.publish, list(batch.published))

    # ------------------------------------------------------------------ the timer

    async def _ticker(self) -> None:
        """Wake the router when time alone changes something (offer timeouts, overflow…)."""
        while True:
            try:
                wake = self._next_wakeup
                delay = 1.0 if wake is None else min(1.0, max(0.01, wake - self._clock.now()))
                await asyncio.sleep(delay)
                if self.health.state is DeskState.READY:
                    await self.execute(Tick())
            except asyncio.CancelledError:
                raise
            except UnavailableError:
                continue
            except Exception:
                log.exception("desk timer: the tick failed; trying again in a second")
                await asyncio.sleep(1.0)

    async def _supervise(self) -> None:
        """Restart the writer thread or the timer if either ever stops."""
        while not self._stopping:
            await asyncio.sleep(1.0)
            try:
                if self._stopping:
                    return
                if not self._writer.alive():
                    log.critical("desk writer thread stopped; starting a new one")
                    self.health.set(DeskState.DEGRADED, "the desk writer is restarting")
                    self._writer.start(restart=False)
                if self._timer is None or self._timer.done():
                    if self._timer is not None and not self._timer.cancelled():
                        log.critical("desk timer stopped (%r); starting a new one",
                                     self._timer.exception())
                    self._timer = asyncio.create_task(self._ticker(),
                                                      name="renfort-desk-timer")
            except Exception:
                log.exception("desk supervisor: check failed")

    # ------------------------------------------------------------------ reads (snapshot)

    def queue_id(self, ref: str) -> str:
        return self.view.queue_id(ref)

    def queue(self, ref: str) -> Queue:
        return self.view.queue(ref)

    def serving_outsourcers(self, queue_id: str) -> frozenset[str]:
        return self.view.serving_outsourcers(queue_id)

    def agents(self) -> tuple[Agent, ...]:
        return self.view.agents()

    def live_contact(self, contact_id: str) -> ContactView | None:
        return self.view.live_contact(contact_id)

    def agent_status(self, agent_id: str) -> AgentStatus:
        return self.view.agent_status(agent_id)

    def held_by(self, agent_id: str) -> list[ContactView]:
        return self.view.held_by(agent_id)

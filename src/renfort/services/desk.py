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
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine

from renfort.domain.clock import Clock
from renfort.domain.errors import RenfortError, UnavailableError
from renfort.domain.model import Agent, Queue
from renfort.routing.types import AgentStatus
from renfort.services import wire
from renfort.services.batch import Batch
from renfort.services.commands import Announce, Command, ReloadConfig, Tick
from renfort.services.desk_handlers import DeskCore
from renfort.services.desk_view import ContactView, DeskView
from renfort.services.desk_writer import (
    CommitHooks,
    DeskState,
    DeskWriter,
    Health,
    Pending,
    unavailable,
)
from renfort.services.events import EventBus, LiveEvent
from renfort.services.store_view import StoreView

if TYPE_CHECKING:
    from renfort.services.cluster import Cluster

log = logging.getLogger("renfort.desk")
T = TypeVar("T")
REQUEST_TIMEOUT = 10.0
"""Seconds a caller waits for the desk before a 503; a command not started by then is
never run."""
STUCK_AFTER = 60.0
"""A writer that showed no sign of life for this long is reported dead by /livez."""


class Desk:
    """Owns the router; every change to contacts or agents' presence goes through here.

    Alone (SQLite, or no ``cluster``), this process leads the desk from the start. In a
    :class:`~renfort.services.cluster.Cluster` it follows until elected: then commands are
    forwarded to the leader and reads go to the store.
    """

    def __init__(self, engine: Engine, clock: Clock, bus: EventBus, offer_timeout: float,
                 request_timeout: float = REQUEST_TIMEOUT,
                 cluster: Cluster | None = None) -> None:
        self.core = DeskCore(engine, clock, offer_timeout)
        self.memory_view = DeskView()
        self.store_view = StoreView(engine)
        self.health = Health()
        self._bus = bus
        self._clock = clock
        self._request_timeout = request_timeout
        self.cluster = cluster
        self.leading = cluster is None
        self._writer = DeskWriter(engine, self.core, self.health, committed=self._committed,
                                  fenced=cluster.fenced if cluster else None)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.Task[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._next_wakeup: float | None = None
        self._stopping = False
        if cluster is not None:
            cluster.on_config = self.store_view.reload_config

    @property
    def view(self) -> DeskView | StoreView:
        """The committed state, from memory where this process leads, else from the store."""
        return self.memory_view if self.leading else self.store_view

    # ------------------------------------------------------------------ lifecycle

    async def start(self, elect_within: float = 5.0) -> None:
        """Alone: load the router from the store (or go degraded if it cannot), then serve.
        In a cluster: serve as a follower, and wait a little for an election to settle."""
        self._loop = asyncio.get_running_loop()
        if self.cluster is None:
            await self._run_writer(restart=True)
            return
        await asyncio.to_thread(self.store_view.reload_config)
        await self.cluster.start(self)
        deadline = time.monotonic() + elect_within
        while time.monotonic() < deadline and not (self.leading
                                                   or self.cluster.leader_alive()):
            await asyncio.sleep(0.05)

    async def _run_writer(self, restart: bool) -> None:
        self._writer.start(restart=restart)
        await asyncio.to_thread(self._writer.wait_loaded)
        # Everything loaded so far lives as long as the process: keep the collector from
        # walking it again and again (a full pass over a large router pauses ~100 ms).
        gc.collect()
        gc.freeze()
        self._timer = asyncio.create_task(self._ticker(), name="renfort-desk-timer")
        self._supervisor = asyncio.create_task(self._supervise(), name="renfort-desk-watch")

    async def lead(self, hooks: CommitHooks) -> None:
        """Elected: load the router and take commands (the cluster's, and this process's)."""
        self._writer.hooks = hooks
        self.health.set(DeskState.STARTING, "loading the router from the store")
        await self._run_writer(restart=False)
        self.leading = True

    async def follow(self) -> None:
        """No longer the leader: stop writing at once; commands go to the new leader."""
        self.leading = False
        await self._stop_writer(4.0)

    async def _stop_writer(self, timeout: float) -> None:
        for task in (self._supervisor, self._timer):
            if task is not None:
                task.cancel()
        self._supervisor = self._timer = None
        await asyncio.to_thread(self._writer.stop, timeout)

    async def stop(self, timeout: float = 4.0) -> None:
        """Finish the commands in hand, refuse the rest, stop the tasks."""
        self._stopping = True
        if self.cluster is not None:
            await self.cluster.stop()
        if self.leading:
            await self._stop_writer(timeout)
        self.health.set(DeskState.STOPPING, "the service is stopping")

    def liveness(self) -> dict[str, Any]:
        """Are the writer, the timer and the supervisor running? (``/livez``)"""
        if not self.leading:
            problems = self.cluster.alive() if self.cluster else []
            return {"alive": not problems, "problems": problems}
        now = time.monotonic()
        problems = self.cluster.alive() if self.cluster else []
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
        role = "single" if self.cluster is None else \
            "leader" if self.leading else "follower"
        if not self.leading:
            assert self.cluster is not None
            return {**self.cluster.readiness(), "role": role}
        ready = self.health.state is DeskState.READY and self._writer.alive()
        return {"ready": ready, "state": str(self.health.state), "role": role,
                "reason": self.health.reason or None, "since": self.health.since}

    # ------------------------------------------------------------------ commands

    async def execute(self, command: Command, timeout: float | None = None) -> Any:
        """Run ``command``; returns once its effects are committed (or raises why not)."""
        wait = self._request_timeout if timeout is None else timeout
        if not self.leading:
            if self.cluster is None or self._stopping:
                raise unavailable("the service is stopping")
            return await self.cluster.forward(command, wait)
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

        self._writer.submit(Pending(command, time.monotonic() + wait, answer))
        try:
            # A little longer than the writer's own deadline: a command it started is
            # answered (committed or not) rather than left in doubt.
            return await asyncio.wait_for(future, wait + 2.0)
        except TimeoutError:
            raise unavailable("the desk did not answer in time") from None

    def submit_pending(self, pending: Pending) -> None:
        """A command another process forwarded (this one leads)."""
        if not self.leading:
            pending.fail(unavailable("this process no longer leads the desk"))
            return
        self._writer.submit(pending)

    def publish(self, events: list[LiveEvent]) -> None:
        """Events the leader committed, for this process's live streams (event loop)."""
        self._bus.publish(events)

    def events_gap(self) -> None:
        """Events may have been missed: live streams here resume from a snapshot."""
        self._bus.break_continuity()

    async def announce(self, events: list[LiveEvent]) -> None:
        """Events that are not the desk's own (a check-in, a safety flag), for every
        process's live streams, numbered with the desk's."""
        if self.cluster is None:
            self._bus.publish(events)
            return
        try:
            await self.execute(Announce(tuple(wire.event_to_wire(e) for e in events)))
        except RenfortError as error:
            # What they tell is committed; the streams that miss them resume from a snapshot
            # after the change-over that made the leader unreachable.
            log.warning("live events not announced: %s", error.message)

    def announce_soon(self, events: list[LiveEvent]) -> None:
        """:meth:`announce` from any thread, without waiting (a failure is logged)."""
        loop = self._loop
        if loop is None:
            return

        def announced(task: asyncio.Future[None]) -> None:
            if not task.cancelled() and task.exception() is not None:
                log.warning("live events not announced: %s", task.exception())

        def start() -> None:
            asyncio.ensure_future(self.announce(events)).add_done_callback(announced)

        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(start)

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
            self.memory_view.replace(config, contacts, agents, queues, everything=True)
        elif batch.touched_contacts or batch.touched_agents or batch.config_changed:
            contacts, agents, queues = core.view_changes(batch)
            self.memory_view.replace(core.config_view if batch.config_changed else None, contacts,
                              agents, queues)
        wake = core.router.next_wakeup()
        callback_due = core.callbacks_next_due()
        self._next_wakeup = callback_due if wake is None else wake if callback_due is None \
            else min(wake, callback_due)
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

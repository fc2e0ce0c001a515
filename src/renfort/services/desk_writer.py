"""The desk's single writer: a supervised thread that runs commands and commits them in groups.

Commands queue up from any thread. The writer takes what is waiting (up to
:data:`MAX_BATCH`) and runs it:

* **Fast path** — every command runs against memory, then all their rows are written in ONE
  transaction (group commit: a burst of arrivals costs one fsync, not one each). A command
  that fails a check before changing memory simply fails; its neighbours go on.
* **Careful path** — when anything else goes wrong (a command fails after changing memory,
  an unexpected exception in a command or in routing, the store refusing a row), nothing of
  the fast path was written: memory is rebuilt from the store and the same commands — they
  are data — run again one by one, each in its own SAVEPOINT. One that fails is rolled back
  in the store and in memory (rebuilt from the transaction's view) and fails alone, with a
  4xx for a refused value and a 500 carrying an incident id for anything unexpected.
* **Store unreachable** — the batch fails with 503 (nothing was written), the desk becomes
  ``degraded``: commands are refused at once with ``Retry-After`` while readers keep the last
  committed snapshot; the writer retries with backoff and rebuilds itself when the store is
  back. No human restart.

Only then are the callers answered and the events published, so what is acknowledged is on
disk. A command whose caller's deadline passed before it ran is not run at all. The loop
catches everything: it never dies silently (and :class:`renfort.services.desk.Desk` restarts
the thread if it ever does).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DataError, IntegrityError, NotSupportedError, ProgrammingError

from renfort.domain.errors import (
    ConflictError,
    InternalError,
    RenfortError,
    UnavailableError,
    ValidationError,
)
from renfort.services.batch import Batch
from renfort.services.commands import Command
from renfort.services.desk_handlers import DeskCore
from renfort.services.desk_state import LiveContact
from renfort.services.events import LiveEvent

log = logging.getLogger("renfort.desk")
MAX_BATCH = 512
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 4.0
IDLE_WAKE = 1.0
"""The writer wakes at least this often, to show it is alive."""
STATEMENT_ERRORS = (IntegrityError, DataError, ProgrammingError, NotSupportedError)
"""The store refused one statement: that command's fault, not the store's health."""


class DeskState(StrEnum):
    STARTING = "starting"
    READY = "ready"
    DEGRADED = "degraded"
    STOPPING = "stopping"


@dataclass
class Health:
    """The desk's state as the health checks report it; written by the writer only."""

    state: DeskState = DeskState.STARTING
    reason: str = "loading the router from the store"
    since: float = field(default_factory=time.time)
    heartbeat: float = field(default_factory=time.monotonic)
    """When the writer last showed it was alive (monotonic)."""
    failures: int = 0
    """Consecutive failed attempts to reach the store."""

    def set(self, state: DeskState, reason: str = "") -> None:
        if state is not self.state or reason != self.reason:
            self.state, self.reason, self.since = state, reason, time.time()


@dataclass
class Pending:
    """A command waiting for the writer, and how to answer its caller (from the writer)."""

    command: Command
    deadline: float
    """Monotonic instant after which the caller no longer waits: then it is not run."""
    answer: Callable[[Any, BaseException | None], None]
    answered: bool = False
    origin: tuple[str, str] | None = None
    """``(process, request)`` of a command another process forwarded."""
    replied: bool = False
    """Its answer already went out with the commit (see :meth:`CommitHooks.before_commit`)."""

    def succeed(self, result: Any) -> None:
        if not self.answered:
            self.answered = True
            # The caller gets a frozen copy, taken after the commit: the live object stays
            # the writer's.
            self.answer(result.view() if isinstance(result, LiveContact) else result, None)

    def fail(self, error: BaseException) -> None:
        if not self.answered:
            self.answered = True
            self.answer(None, error)


Outcome = tuple[Pending, Any, "RenfortError | None"]


class CommitHooks:
    """What a commit does besides writing rows. One process: only numbering the events. The
    leader of several processes also checks it still leads, and sends the events and the
    answers to forwarded commands with the commit (:mod:`renfort.services.cluster`)."""

    def number(self, events: list[LiveEvent]) -> list[LiveEvent]:
        return events

    def before_commit(self, conn: Connection, batch: Batch, outcomes: list[Outcome]) -> None:
        """Last statements of the commit's transaction."""


class Fenced(Exception):
    """Another process leads the desk now: this one must not write any more."""


class _Retry(Exception):
    """The fast path cannot keep its batch: run it again, one command at a time."""


_STOP = object()


def store_error(error: BaseException) -> bool:
    """The store itself failed (unreachable, locked, out of space…), not one statement."""
    from sqlalchemy.exc import DBAPIError, DisconnectionError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, STATEMENT_ERRORS):
        return False
    return isinstance(error, DBAPIError | DisconnectionError | PoolTimeout)


def unavailable(reason: str, retry_after: float = 2.0) -> UnavailableError:
    return UnavailableError(f"the desk cannot take commands now: {reason}",
                            {"reason": reason, "retry_after_seconds": max(1, round(retry_after))})


def _refusal(error: BaseException, command: Command) -> RenfortError:
    """What the caller of a failed command is told."""
    if isinstance(error, RenfortError):
        return error
    if isinstance(error, IntegrityError):
        return ConflictError("this change clashes with what is already stored (a reference "
                             "already used?); nothing was changed", {"cause": "integrity"},
                             reason="stored-clash")
    if isinstance(error, DataError):
        return ValidationError("a value of this request cannot be stored; nothing was "
                               "changed", {"cause": "data"}, reason="value-not-storable")
    incident = uuid.uuid4().hex[:12]
    # Ids and the command's kind only: the rest may carry personal data.
    log.error("command %s failed unexpectedly (incident %s)", command.kind, incident,
              exc_info=error)
    return InternalError("an unexpected error stopped this request; nothing was changed",
                         {"incident": incident})


def _answer(outcomes: list[Outcome]) -> None:
    """Tell every caller of a committed batch how their command went."""
    for pending, result, failure in outcomes:
        if failure is not None:
            pending.fail(failure)
        else:
            pending.succeed(result)


class DeskWriter:
    """Runs :class:`DeskCore` commands in its own thread; see the module's docstring."""

    def __init__(self, engine: Engine, core: DeskCore, health: Health, *,
                 committed: Callable[[Batch, bool], None],
                 hooks: CommitHooks | None = None,
                 fenced: Callable[[], None] | None = None) -> None:
        """``committed(batch, rebuilt)`` runs in the writer after each successful commit
        (``rebuilt``: memory was reloaded, refresh the whole snapshot); ``fenced`` when a
        commit found that another process leads now."""
        self._engine = engine
        self._core = core
        self.health = health
        self._committed = committed
        self.hooks = hooks or CommitHooks()
        self._fenced = fenced
        self._inbox: queue.SimpleQueue[Pending | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._backoff = BACKOFF_FIRST
        self._loaded = threading.Event()

    # ------------------------------------------------------------------ lifecycle

    def start(self, restart: bool = True) -> None:
        """Start the thread; its first act is to load memory from the store (``restart``:
        as a new process does, offers in flight going back to their place)."""
        self._loaded.clear()
        self._thread = threading.Thread(target=self._run, args=(restart,),
                                        name="renfort-desk-writer", daemon=True)
        self._thread.start()

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """True once the first load succeeded or failed (then the desk is degraded)."""
        return self._loaded.wait(timeout)

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float) -> None:
        """Finish the batch in hand, answer what still waits, end the thread."""
        self._inbox.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, pending: Pending) -> None:
        if self.health.state is DeskState.DEGRADED:
            pending.fail(unavailable(self.health.reason, self._backoff))
            return
        if self.health.state is DeskState.STOPPING or not self.alive():
            pending.fail(unavailable("the service is stopping" if self.health.state
                                     is DeskState.STOPPING else "the desk is restarting"))
            return
        self._inbox.put(pending)

    # ------------------------------------------------------------------ the loop

    def _run(self, restart: bool) -> None:
        try:
            self._serve(restart)
        except BaseException:
            # Only a broken loop gets here (everything in it is caught): say so; the desk's
            # supervisor starts a new thread.
            log.critical("desk writer thread stopped", exc_info=True)

    def _serve(self, restart: bool) -> None:
        self._recover(restart=restart)
        self._loaded.set()
        while True:
            self.health.heartbeat = time.monotonic()
            wait = self._backoff if self.health.state is DeskState.DEGRADED else IDLE_WAKE
            try:
                first = self._inbox.get(timeout=wait)
            except queue.Empty:
                if self.health.state is DeskState.DEGRADED:
                    self._recover(restart=False)
                continue
            items = [first]
            while len(items) < MAX_BATCH:
                try:
                    items.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in items)
            pendings = [i for i in items if isinstance(i, Pending)]
            try:
                self._process(pendings)
            except BaseException as error:  # the loop must outlive anything
                log.critical("desk writer: unexpected failure; rebuilding", exc_info=error)
                self._degrade("internal error; rebuilding from the store")
                refusal = _refusal(error, pendings[0].command) if pendings else None
                for pending in pendings:
                    pending.fail(refusal or error)
            if stopping:
                self._drain()
                return

    def _drain(self) -> None:
        self.health.set(DeskState.STOPPING, "the service is stopping")
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Pending):
                item.fail(unavailable("the service is stopping"))

    def _process(self, pendings: list[Pending]) -> None:
        now = time.monotonic()
        live = []
        for pending in pendings:
            if pending.deadline <= now:
                pending.fail(unavailable("the desk did not get to this request in time"))
            elif self.health.state is DeskState.DEGRADED:
                pending.fail(unavailable(self.health.reason, self._backoff))
            else:
                live.append(pending)
        if not live:
            return
        try:
            try:
                self._fast(live)
            except _Retry:
                self._careful(live)
        except Fenced:
            log.warning("desk: another process leads now; this one stops writing")
            self.health.set(DeskState.STOPPING, "another process leads the desk now")
            for pending in live:
                pending.fail(unavailable("the desk is changing over to another process"))
            if self._fenced:
                self._fenced()
        except Exception as error:
            if not store_error(error):
                raise
            log.error("desk: the store failed (%s); %d request(s) refused, nothing written",
                      type(error).__name__, len(live))
            self._degrade(f"the database is unreachable ({type(error).__name__})")
            for pending in live:
                pending.fail(unavailable("the database is unreachable"))

    # ------------------------------------------------------------------ fast path

    def _fast(self, live: list[Pending]) -> None:
        core = self._core
        batch = Batch()
        outcomes: list[Outcome] = []
        for pending in live:
            part = Batch()
            try:
                result = core.handle(pending.command, part)
            except RenfortError as error:
                if core.changed:
                    raise _Retry from error
                outcomes.append((pending, None, error))
                continue
            except Exception as error:
                raise _Retry from error
            try:
                if pending.command.mutates:
                    core.route(part)
            except Exception as error:
                raise _Retry from error
            batch.merge(part)
            outcomes.append((pending, result, None))
        if not batch.empty() or batch.published:
            batch.published = self.hooks.number(batch.published)
            try:
                with self._engine.begin() as conn:
                    batch.write(conn)
                    self.hooks.before_commit(conn, batch, outcomes)
            except Exception as error:
                if store_error(error) or isinstance(error, Fenced):
                    raise
                raise _Retry from error
        self._committed(batch, False)
        _answer(outcomes)

    # ------------------------------------------------------------------ careful path

    def _careful(self, live: list[Pending]) -> None:
        core = self._core
        committed = Batch()
        outcomes: list[Outcome] = []
        with self._engine.connect() as conn, conn.begin():
            committed.merge(self._reload(conn))
            for pending in live:
                part = Batch()
                savepoint = conn.begin_nested()
                try:
                    result = core.handle(pending.command, part)
                    part.write(conn)
                    savepoint.commit()
                except Exception as error:
                    if store_error(error) or isinstance(error, Fenced):
                        raise
                    savepoint.rollback()
                    if core.changed or not isinstance(error, RenfortError):
                        committed.merge(self._reload(conn))
                    outcomes.append((pending, None, _refusal(error, pending.command)))
                    continue
                if pending.command.mutates:
                    part.merge(self._route_alone(conn))
                committed.merge(part)
                outcomes.append((pending, result, None))
            committed.published = self.hooks.number(committed.published)
            self.hooks.before_commit(conn, committed, outcomes)
        self._committed(committed, True)
        _answer(outcomes)

    def _route_alone(self, conn: Connection) -> Batch:
        """Route in a savepoint of its own: a failure there undoes the routing, not the
        command that preceded it (the next command or tick routes again)."""
        part = Batch()
        savepoint = conn.begin_nested()
        try:
            self._core.route(part)
            part.write(conn)
            savepoint.commit()
        except Exception as error:
            if store_error(error):
                raise
            savepoint.rollback()
            log.error("desk: routing failed; memory rebuilt, commands kept", exc_info=error)
            return self._reload(conn)
        return part

    def _reload(self, conn: Connection) -> Batch:
        """Memory as the transaction sees it; offers stay with their agents."""
        rows = self._core.load(conn, restart=False)
        rows.write(conn)
        rows.config_changed = True
        return rows

    # ------------------------------------------------------------------ degraded, recovery

    def _degrade(self, reason: str) -> None:
        self.health.set(DeskState.DEGRADED, reason)
        self._backoff = BACKOFF_FIRST

    def _recover(self, *, restart: bool) -> None:
        """Load memory from the store; on failure stay degraded and back off."""
        try:
            with self._engine.connect() as conn, conn.begin():
                # Takes the write lock where there is one (SQLite): a store that can be read
                # but not written is not back yet.
                conn.execute(text("UPDATE contacts SET seq = seq WHERE 1 = 0"))
                rows = self._core.load(conn, restart=restart)
                rows.write(conn)
                rows.published = self.hooks.number(rows.published)
                self.hooks.before_commit(conn, rows, [])
            rows.config_changed = True
            self._committed(rows, True)
        except Exception as error:
            self.health.failures += 1
            self._backoff = min(BACKOFF_MAX, self._backoff * 2)
            if self.health.state is not DeskState.DEGRADED or self.health.failures % 20 == 1:
                log.warning("desk: cannot load from the store (%s: %s); retrying",
                            type(error).__name__, str(error).splitlines()[0][:200])
            self.health.set(DeskState.DEGRADED,
                            f"the database is unreachable ({type(error).__name__})")
            return
        if self.health.state is DeskState.DEGRADED:
            log.warning("desk: the store is back; router rebuilt")
        self.health.failures = 0
        self._backoff = BACKOFF_FIRST
        self.health.set(DeskState.READY, "")

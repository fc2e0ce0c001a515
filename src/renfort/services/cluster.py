"""Several Renfort processes on one PostgreSQL database: every one serves, one leads the desk.

* **Election.** Each process tries ``pg_try_advisory_lock`` on a connection of its own, every
  second. The one that gets it leads: it raises the ``term`` in ``desk_lease``, loads the
  router and runs the desk's writer. The lock is the lease: when that connection is lost
  (the process died, the network broke), PostgreSQL releases the lock and another process
  takes it within a second or two. A leader that cannot reach its lock connection steps down.
* **Fencing.** Every commit of the leader ends with ``UPDATE desk_lease … WHERE term = mine``;
  if another process raised the term meanwhile, the commit is refused and this process stops
  writing (:class:`renfort.services.desk_writer.Fenced`). Two writers never both commit.
* **Commands.** A follower hands its desk commands (they are data) to the leader with
  ``NOTIFY renfort_desk``; the leader runs them like its own and sends each answer to the
  follower's own channel **inside the commit's transaction**, so an answer goes out if and only
  if what it acknowledges is committed.
* **Events.** The leader numbers the live events (``t<term>-<n>``) and sends them with
  ``NOTIFY renfort_events``, also inside the commit's transaction; every process feeds them to
  its own SSE clients, with the same ids, so a client may resume on any process. A payload too
  large for NOTIFY (8,000 bytes) goes through ``cluster_payloads`` and the message names it.
* **Heartbeat.** The leader says it is alive every second (``renfort_beat``). A follower that
  heard none for :data:`LEADER_GONE_AFTER` seconds refuses commands at once with 503 and
  ``Retry-After`` rather than letting them wait: the switch-over is short, never silent.

Followers read the desk from the store (:mod:`renfort.services.store_view`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url

from renfort.domain.clock import Clock
from renfort.domain.errors import RenfortError
from renfort.services import wire
from renfort.services.batch import Batch
from renfort.services.commands import Command, from_wire, to_wire
from renfort.services.desk_state import LiveContact
from renfort.services.desk_writer import CommitHooks, Fenced, Outcome, Pending, unavailable
from renfort.services.events import LiveEvent
from renfort.store import tables as t

if TYPE_CHECKING:
    from renfort.services.auth import AuthService
    from renfort.services.desk import Desk

log = logging.getLogger("renfort.cluster")
LOCK_KEY = 0x52454E464F5254  # "RENFORT": one desk per database
DESK, EVENTS, BEAT, AUTH = "renfort_desk", "renfort_events", "renfort_beat", "renfort_auth"
PAYLOAD_MAX = 7_000
"""Bytes of a NOTIFY payload (PostgreSQL's limit is 8,000); larger goes through a table."""
BEAT_SECONDS = 1.0
LEADER_GONE_AFTER = 3.5
PAYLOADS_KEPT = 300.0
"""Seconds large messages stay in ``cluster_payloads``."""


class Role(StrEnum):
    FOLLOWER = "follower"
    LEADER = "leader"


def conninfo(url: str) -> str:
    """A libpq connection string from the SQLAlchemy URL of the database."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _payloads(conn: Connection, messages: list[dict[str, Any]], now: float) -> list[str]:
    """Each message as a NOTIFY payload; the large ones stored, named by reference."""
    out = []
    for message in messages:
        body = wire.dumps(message)
        if len(body.encode()) > PAYLOAD_MAX:
            ref = secrets.token_hex(12)
            conn.execute(insert(t.cluster_payloads).values(id=ref, body=body, at=now))
            body = wire.dumps({"ref": ref})
        out.append(body)
    return out


def _chunks(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Events in groups whose encoding stays under a NOTIFY payload (an event too large on
    its own is a group of one, sent by reference)."""
    groups: list[list[dict[str, Any]]] = [[]]
    size = 0
    for event in events:
        length = len(wire.dumps(event).encode()) + 1
        if groups[-1] and size + length > PAYLOAD_MAX - 200:
            groups.append([])
            size = 0
        groups[-1].append(event)
        size += length
    return [g for g in groups if g]


class LeaderHooks(CommitHooks):
    """What the leader's commits carry: fencing, the events, the answers to followers."""

    def __init__(self, cluster: Cluster, term: int, clock: Clock) -> None:
        self._cluster = cluster
        self.term = term
        self._clock = clock
        self._numbers = itertools.count(1)

    def number(self, events: list[LiveEvent]) -> list[LiveEvent]:
        return [replace(e, id=f"t{self.term}-{next(self._numbers)}") for e in events]

    def before_commit(self, conn: Connection, batch: Batch, outcomes: list[Outcome]) -> None:
        now = self._clock.now()
        held = conn.execute(update(t.desk_lease).where(t.desk_lease.c.id == 1)
                            .where(t.desk_lease.c.term == self.term)
                            .values(heartbeat=now))
        if held.rowcount != 1:
            raise Fenced(f"term {self.term} is over")
        notes: list[tuple[str, dict[str, Any]]] = []
        events = [wire.event_to_wire(e) for e in batch.published]
        for group in _chunks(events):
            notes.append((EVENTS, {"from": self._cluster.process, "events": group}))
        if batch.config_changed:
            notes.append((EVENTS, {"from": self._cluster.process, "events": [],
                                   "config": True}))
        for pending, result, error in outcomes:
            if pending.origin is None:
                continue
            channel, request = pending.origin
            notes.append((channel, _answer(request, result, error)))
            pending.replied = True
        if notes:
            payloads = _payloads(conn, [body for _, body in notes], now)
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         [{"channel": channel, "payload": payload}
                          for (channel, _), payload in zip(notes, payloads, strict=True)])


def _answer(request: str, result: Any, error: BaseException | None) -> dict[str, Any]:
    if error is not None:
        return {"req": request, "err": wire.error_to_wire(error)}
    if isinstance(result, LiveContact):
        result = result.view()
    return {"req": request, "ok": wire.result_to_wire(result)}


class Cluster:
    """This process's part in the group of processes serving one PostgreSQL database."""

    def __init__(self, url: str, engine: Engine, clock: Clock) -> None:
        self.process = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.reply_channel = "renfort_r_" + hashlib.sha1(self.process.encode()).hexdigest()[:16]
        self._conninfo = conninfo(url)
        self._engine = engine
        self._clock = clock
        self.role = Role.FOLLOWER
        self.term = 0
        self.listening = False
        self._desk: Desk | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: psycopg.AsyncConnection[Any] | None = None
        self._sender: psycopg.AsyncConnection[Any] | None = None
        self._send_lock = asyncio.Lock()
        self._waiting: dict[str, tuple[int, asyncio.Future[dict[str, Any]]]] = {}
        """Forwarded commands waiting for their answer, with the leader's term they went to."""
        self._requests = itertools.count(1)
        self._leader_seen = 0.0
        self._leader_term = 0
        self._gap = False
        self._tasks: list[asyncio.Task[None]] = []
        self._last_sweep = 0.0
        self._auth: AuthService | None = None
        self.on_config: Callable[[], None] | None = None
        """Called (in a worker thread) when the leader says the routing configuration changed."""

    # ------------------------------------------------------------------ lifecycle

    async def start(self, desk: Desk) -> None:
        self._desk = desk
        self._loop = asyncio.get_running_loop()
        self._tasks = [asyncio.create_task(self._listen_forever(), name="renfort-listen"),
                       asyncio.create_task(self._elect_forever(), name="renfort-elect")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.role is Role.LEADER:
            await self._step_down("the process is stopping")
        for conn in (self._lock, self._sender):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
        self._lock = self._sender = None

    def alive(self) -> list[str]:
        """What is wrong with this process's part, for ``/livez`` (empty: all runs)."""
        names = ("listener", "elector")
        return [f"the cluster {name} is not running"
                for name, task in zip(names, self._tasks, strict=False) if task.done()]

    def leader_alive(self) -> bool:
        if self.role is Role.LEADER:
            return True
        return time.monotonic() - self._leader_seen < LEADER_GONE_AFTER

    def readiness(self) -> dict[str, Any]:
        """A follower is ready when it hears the leader and listens to it."""
        if not self.listening:
            reason = "not connected to the database's notifications"
        elif not self.leader_alive():
            reason = "no process leads the desk right now (changing over)"
        else:
            return {"ready": True, "state": "ready", "reason": None, "since": None}
        return {"ready": False, "state": "degraded", "reason": reason, "since": None}

    def join_auth(self, auth: AuthService) -> None:
        """Sessions that end here end in every process at once (each caches sessions)."""
        self._auth = auth

        def revoke(ended: dict[str, str]) -> None:
            loop = self._loop
            if loop is None:
                return

            def send() -> None:
                asyncio.ensure_future(self._notify(AUTH, {"from": self.process, **ended})) \
                    .add_done_callback(_quiet)

            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(send)

        auth.on_revoke = revoke

    # ------------------------------------------------------------------ commands

    async def forward(self, command: Command, timeout: float) -> Any:
        """Run ``command`` on the leader; its answer once committed, or 503."""
        if not self.leader_alive():
            raise unavailable("no process leads the desk right now (changing over)")
        request = str(next(self._requests))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[request] = (self._leader_term, future)
        try:
            await self._notify(DESK, {"from": self.reply_channel, "req": request,
                                      "wait": timeout, "cmd": to_wire(command)})
            answer = await asyncio.wait_for(future, timeout + 2.0)
        except TimeoutError:
            raise unavailable("the leading process did not answer in time") from None
        finally:
            self._waiting.pop(request, None)
        if "err" in answer:
            raise wire.error_from_wire(answer["err"])
        return wire.result_from_wire(answer["ok"])

    def _orphan_forwards(self, term: int | None = None) -> None:
        """Commands sent to a leader that is gone (or to one older than ``term``) will get no
        answer: tell their callers now, with a 503, rather than at their deadline."""
        for request, (sent_to, future) in list(self._waiting.items()):
            if (term is None or sent_to < term) and not future.done():
                future.set_exception(unavailable(
                    "the desk changed over to another process; this request may or may not "
                    "have been done: check before trying again"))
                self._waiting.pop(request, None)

    def _take(self, data: dict[str, Any]) -> None:
        """A follower's command, on the leader: into the writer like a local one."""
        assert self._desk is not None
        origin = (str(data["from"]), str(data["req"]))
        try:
            command = from_wire(data["cmd"])
        except RenfortError as error:
            self._reply_later(origin, None, error)
            return
        wait = min(max(float(data.get("wait", 10.0)), 0.1), 60.0)

        def answer(result: Any, error: BaseException | None) -> None:
            self._reply_later(origin, result, error)

        pending = Pending(command, time.monotonic() + wait, answer, origin=origin)
        self._desk.submit_pending(pending)

    def _reply_later(self, origin: tuple[str, str], result: Any,
                     error: BaseException | None) -> None:
        """An answer that did not go out with a commit (a refusal, the store down…)."""
        loop = self._loop
        if loop is None:
            return

        def send() -> None:
            task = asyncio.ensure_future(self._notify(origin[0], _answer(origin[1], result,
                                                                         error)))
            task.add_done_callback(_quiet)

        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(send)

    # ------------------------------------------------------------------ leadership

    async def _elect_forever(self) -> None:
        while True:
            try:
                if self.role is Role.LEADER:
                    if await self._lock_alive():
                        await self._notify(BEAT, {"term": self.term, "leader": self.process})
                        await self._sweep()
                    else:
                        await self._step_down("the lock's connection is lost")
                else:
                    if not self.leader_alive():
                        self._orphan_forwards()
                    if await self._try_lock():
                        self._orphan_forwards()
                        await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cluster: election round failed")
                if self.role is Role.LEADER:
                    with contextlib.suppress(Exception):
                        await self._step_down("the election round failed")
            await asyncio.sleep(BEAT_SECONDS)

    async def _try_lock(self) -> bool:
        if self._lock is None or self._lock.closed:
            self._lock = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, keepalives=1, keepalives_idle=5,
                keepalives_interval=2, keepalives_count=2, connect_timeout=5)
        cursor = await self._lock.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def _lock_alive(self) -> bool:
        if self._lock is None or self._lock.closed:
            return False
        try:
            await asyncio.wait_for(self._lock.execute("SELECT 1"), 3.0)
            return True
        except Exception:
            return False

    async def _lead(self) -> None:
        assert self._desk is not None
        self.term = await asyncio.to_thread(self._raise_term)
        log.warning("cluster: %s leads the desk (term %d)", self.process, self.term)
        self.role = Role.LEADER
        await self._desk.lead(LeaderHooks(self, self.term, self._clock))
        await self._notify(BEAT, {"term": self.term, "leader": self.process})

    def _raise_term(self) -> int:
        with self._engine.begin() as conn:
            term = conn.execute(update(t.desk_lease).where(t.desk_lease.c.id == 1)
                                .values(term=t.desk_lease.c.term + 1, holder=self.process,
                                        heartbeat=self._clock.now())
                                .returning(t.desk_lease.c.term)).scalar_one()
        return int(term)

    async def _step_down(self, reason: str) -> None:
        if self.role is not Role.LEADER:
            return
        log.warning("cluster: %s stops leading the desk: %s", self.process, reason)
        self.role = Role.FOLLOWER
        self._leader_seen = 0.0
        if self._desk is not None:
            await self._desk.follow()
        if self._lock is not None:
            with contextlib.suppress(Exception):
                await self._lock.close()
        self._lock = None

    def fenced(self) -> None:
        """From the writer: another process leads now."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(
                    lambda: asyncio.ensure_future(self._step_down("fenced by a newer term"))
                    .add_done_callback(_quiet))

    async def _sweep(self) -> None:
        """Forget large messages nobody needs any more."""
        now = time.monotonic()
        if now - self._last_sweep < 30:
            return
        self._last_sweep = now

        def sweep() -> None:
            with self._engine.begin() as conn:
                conn.execute(delete(t.cluster_payloads).where(
                    t.cluster_payloads.c.at < self._clock.now() - PAYLOADS_KEPT))

        await asyncio.to_thread(sweep)

    # ------------------------------------------------------------------ notifications

    async def _notify(self, channel: str, message: dict[str, Any]) -> None:
        body = wire.dumps(message)
        if len(body.encode()) > PAYLOAD_MAX:
            body = await asyncio.to_thread(self._store_payload, body)
        async with self._send_lock:
            try:
                if self._sender is None or self._sender.closed:
                    self._sender = await psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True, connect_timeout=5)
                await self._sender.execute("SELECT pg_notify(%s, %s)", (channel, body))
            except Exception:
                if self._sender is not None:
                    with contextlib.suppress(Exception):
                        await self._sender.close()
                self._sender = None
                raise

    def _store_payload(self, body: str) -> str:
        ref = secrets.token_hex(12)
        with self._engine.begin() as conn:
            conn.execute(insert(t.cluster_payloads).values(id=ref, body=body,
                                                           at=self._clock.now()))
        return wire.dumps({"ref": ref})

    def _fetch_payload(self, ref: str) -> dict[str, Any] | None:
        with self._engine.connect() as conn:
            body = conn.execute(select(t.cluster_payloads.c.body)
                                .where(t.cluster_payloads.c.id == ref)).scalar_one_or_none()
        return None if body is None else dict(json.loads(body))

    async def _listen_forever(self) -> None:
        backoff = 0.25
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, keepalives=1, keepalives_idle=5,
                    keepalives_interval=2, keepalives_count=2, connect_timeout=5)
                async with conn:
                    for channel in (DESK, EVENTS, BEAT, AUTH, self.reply_channel):
                        await conn.execute(f"LISTEN {channel}")
                    self.listening = True
                    backoff = 0.25
                    if self._gap:
                        # Notifications may have been missed while disconnected: live streams
                        # of this process start again from a snapshot.
                        assert self._desk is not None
                        self._desk.events_gap()
                        self._gap = False
                    async for note in conn.notifies():
                        await self._on_notify(note.channel, note.payload)
            except asyncio.CancelledError:
                self.listening = False
                raise
            except Exception as error:
                if self.listening:
                    log.warning("cluster: notifications lost (%s); reconnecting",
                                type(error).__name__)
            self.listening = False
            self._gap = True
            await asyncio.sleep(backoff)
            backoff = min(4.0, backoff * 2)

    async def _on_notify(self, channel: str, payload: str) -> None:
        try:
            data: dict[str, Any] | None = json.loads(payload)
            if data is not None and "ref" in data and len(data) == 1:
                data = await asyncio.to_thread(self._fetch_payload, str(data["ref"]))
            if data is None:
                log.error("cluster: a message on %s was lost (no body)", channel)
                return
            if channel == BEAT:
                if int(data["term"]) >= self._leader_term:
                    if int(data["term"]) > self._leader_term:
                        self._orphan_forwards(int(data["term"]))
                    self._leader_term = int(data["term"])
                    self._leader_seen = time.monotonic()
            elif channel == EVENTS:
                if data.get("from") != self.process:
                    await self._deliver(data)
            elif channel == AUTH:
                if data.get("from") != self.process and self._auth is not None:
                    self._auth.forget({k: str(v) for k, v in data.items() if k != "from"})
            elif channel == DESK:
                if self.role is Role.LEADER:
                    self._take(data)
            elif channel == self.reply_channel:
                waiting = self._waiting.get(str(data.get("req")))
                if waiting is not None and not waiting[1].done():
                    waiting[1].set_result(data)
        except Exception:
            log.exception("cluster: could not handle a message on %s", channel)

    async def _deliver(self, data: dict[str, Any]) -> None:
        assert self._desk is not None
        if data.get("config") and self.on_config is not None:
            await asyncio.to_thread(self.on_config)
        events = [wire.event_from_wire(e) for e in data.get("events", ())]
        if events:
            self._desk.publish(events)


def _quiet(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("cluster: could not send a message: %s", task.exception())

"""A real server process under a steady load of contacts, and what the chaos tests check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from renfort.bootstrap import build_runtime
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from renfort.services.demo_load import load_demo
from renfort.store import tables as t
from renfort.store.engine import upgrade
from tests.conftest import POSTGRES_URL, T0

FAULTY = Path(__file__).with_name("faulty_server.py")
ROOT = Path(__file__).resolve().parents[2]


def launch(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The faulty server on ``port``, not waited for."""
    full = {**os.environ, "RENFORT_LOG_LEVEL": "warning", **env,
            "PYTHONPATH": str(ROOT / "src")}
    with log.open("ab") as sink:
        return subprocess.Popen([sys.executable, str(FAULTY), "--port", str(port)],
                                env=full, stdout=subprocess.DEVNULL, stderr=sink)


def wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path,
                 timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text()[-4000:])
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become ready:\n" + log.read_text()[-4000:])


def token(base: str, username: str = "admin") -> dict[str, str]:
    reply = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": username, "password": f"{username}-demo"}, timeout=10)
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


@dataclass
class Attempt:
    ref: str
    started: float
    ended: float
    status: int
    """HTTP status, or 0 when the connection failed."""
    contact_id: str | None


@dataclass
class Load:
    """Creators posting contacts as fast as the server answers, until stopped."""

    base: str
    headers: dict[str, str]
    creators: int = 4
    prefix: str = "good"
    attempts: list[Attempt] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        for n in range(self.creators):
            thread = threading.Thread(target=self._create, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _create(self, creator: int) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=20) as http:
            n = 0
            while not self._stop.is_set():
                n += 1
                ref = f"{self.prefix}-{creator}-{n}"
                started = time.monotonic()
                try:
                    reply = http.post("/api/v1/contacts", json={
                        "queue": "hotline-general", "channel": "voice", "customer_ref": ref})
                    status = reply.status_code
                    contact = reply.json().get("id") if status == 201 else None
                except (httpx.TransportError, ValueError):
                    status, contact = 0, None
                with self._lock:
                    self.attempts.append(Attempt(ref, started, time.monotonic(), status,
                                                 contact))
                if status != 201:
                    time.sleep(0.05)

    def acknowledged(self) -> dict[str, str]:
        return {a.ref: a.contact_id for a in self.attempts if a.status == 201 and a.contact_id}

    def failures_outside(self, start: float, end: float) -> list[Attempt]:
        """Good requests that failed while they overlapped no part of [start, end]."""
        return [a for a in self.attempts
                if a.status != 201 and (a.ended < start or a.started > end)]


def stored_refs(url: str) -> dict[str, list[str]]:
    """customer_ref → ids of the contacts stored under it."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(t.contacts.c.customer_ref, t.contacts.c.id)).all()
    finally:
        engine.dispose()
    found: dict[str, list[str]] = {}
    for ref, contact_id in rows:
        found.setdefault(str(ref), []).append(str(contact_id))
    return found


def assert_nothing_acknowledged_lost(load: Load, url: str) -> None:
    stored = stored_refs(url)
    acknowledged = load.acknowledged()
    assert acknowledged, "the load acknowledged nothing"
    lost = [ref for ref in acknowledged if ref not in stored]
    assert not lost, f"{len(lost)} acknowledged contacts lost: {lost[:5]}"
    doubled = [ref for ref, ids in stored.items()
               if ref.startswith(f"{load.prefix}-") and len(ids) > 1]
    assert not doubled, f"contacts stored twice: {doubled[:5]}"
    wrong = [ref for ref, contact in acknowledged.items() if stored[ref] != [contact]]
    assert not wrong, f"acknowledged under another id: {wrong[:5]}"


@contextmanager
def serving(port: int, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = launch(port, env, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@contextmanager
def database(kind: str, tmp_path: Path, demo_template: Path
              ) -> Iterator[tuple[str, dict[str, str]]]:
    """A demo federation in a database of this test's own: (url, server environment)."""
    if kind == "sqlite":
        shutil.copy(demo_template, tmp_path / "renfort.db")
        yield f"sqlite:///{tmp_path / 'renfort.db'}", {"RENFORT_DATA_DIR": str(tmp_path)}
        return
    if not POSTGRES_URL:
        pytest.skip("RENFORT_TEST_POSTGRES_URL not set")
    name = f"renfort_chaos_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        runtime = build_runtime(Settings(database_url=url), ManualClock(T0))
        load_demo(runtime.engine, runtime.auth, datetime.fromtimestamp(T0, tz=UTC))
        runtime.engine.dispose()
        yield url, {"RENFORT_DATABASE_URL": url}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name"), {"name": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

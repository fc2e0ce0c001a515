"""Chaos under load, against a real server process: poison inputs and planted faults fail
alone, a database outage is ridden out, kill -9 loses nothing acknowledged, SIGTERM ends
the server quickly. On SQLite, and on PostgreSQL when configured (each test makes and drops a
database of its own)."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from renfort.bootstrap import build_runtime
from renfort.config import Settings
from renfort.domain.clock import ManualClock
from tests.chaos.harness import (
    Load,
    assert_nothing_acknowledged_lost,
    database,
    launch,
    serving,
    stored_refs,
    token,
    wait_healthy,
)
from tests.conftest import POSTGRES_URL, T0
from tests.live import free_port

pytestmark = pytest.mark.slow


def _api_key(url: str) -> dict[str, str]:
    runtime = build_runtime(Settings(database_url=url), ManualClock(T0))
    try:
        return {"X-API-Key": runtime.auth.create_api_key(f"pbx-{uuid.uuid4().hex[:6]}")}
    finally:
        runtime.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path,
          demo_template: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with database(request.param, tmp_path, demo_template) as found:
        yield found


def _env(store_env: dict[str, str]) -> dict[str, str]:
    env = dict(store_env)
    if "RENFORT_DATABASE_URL" not in env:
        env["RENFORT_DATABASE_URL"] = ""
    return env


def _sigterm_within(process: object, seconds: float) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)  # type: ignore[attr-defined]
    process.wait(timeout=seconds)  # type: ignore[attr-defined]
    return time.monotonic() - started


def test_poison_and_planted_faults_fail_alone_under_load(
        store: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = store
    key = _api_key(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(port, _env(env), tmp_path / "server.log") as server:
        admin = token(base)
        load = Load(base, admin)
        load.start()
        outcomes: dict[str, list[int]] = {"nul": [], "reused": [], "boom": [], "route": []}
        with httpx.Client(base_url=base, timeout=20) as http:
            for n in range(15):
                outcomes["nul"].append(http.post("/api/v1/contacts", headers=admin, json={
                    "queue": "hotline-general", "channel": "chat",
                    "customer_ref": f"bad\x00{n}", "message": "x"}).status_code)
                call = {"event": "call_arrived", "call_id": f"chaos-call-{n}",
                        "queue": "hotline-general", "caller": f"+33 6 11 00 00 {n:02d}"}
                assert http.post("/api/v1/telephony/events", headers=key,
                                 json=call).status_code == 201
                http.post("/api/v1/telephony/events", headers=key,
                          json={"event": "call_hung_up", "call_id": call["call_id"]})
                outcomes["reused"].append(http.post("/api/v1/telephony/events", headers=key,
                                                    json=call).status_code)
                boom = http.post("/api/v1/contacts", headers=admin, json={
                    "queue": "hotline-general", "channel": "voice",
                    "customer_ref": f"chaos-boom-{n}"})
                outcomes["boom"].append(boom.status_code)
                assert boom.status_code != 500 or boom.json()["details"]["incident"]
                outcomes["route"].append(http.post("/api/v1/contacts", headers=admin, json={
                    "queue": "hotline-general", "channel": "voice",
                    "customer_ref": f"chaos-route-{n}"}).status_code)
        time.sleep(0.5)
        load.stop()
        assert set(outcomes["nul"]) == {422}
        assert set(outcomes["reused"]) == {409}
        assert set(outcomes["boom"]) == {500}
        assert set(outcomes["route"]) == {201}
        failed = [a for a in load.attempts if a.status != 201]
        assert not failed, f"{len(failed)} good requests failed: {failed[:3]}"
        assert httpx.get(f"{base}/healthz").status_code == 200
        assert _sigterm_within(server, 15) < 15
        assert server.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
    assert_nothing_acknowledged_lost(load, url)
    stored = stored_refs(url)
    assert not [ref for ref in stored if ref.startswith("chaos-boom")]
    assert all(len(stored[f"chaos-route-{n}"]) == 1 for n in range(15))


def test_kill_minus_nine_under_load_loses_nothing_acknowledged(
        store: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = store
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    server = launch(port, _env(env), log)
    try:
        wait_healthy(base, server, log)
        load = Load(base, token(base), creators=6)
        load.start()
        time.sleep(2.0)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        load.stop()
    finally:
        if server.poll() is None:
            server.kill()
    assert_nothing_acknowledged_lost(load, url)
    with serving(port, _env(env), log) as again:
        listed = httpx.get(f"{base}/api/v1/contacts?state=queued&limit=50000",
                           headers=token(base), timeout=30).json()
        queued = {c["id"] for c in listed}
        assert set(load.acknowledged().values()) <= queued | _offered(base)
        assert _sigterm_within(again, 15) < 15


def _offered(base: str) -> set[str]:
    listed = httpx.get(f"{base}/api/v1/contacts?state=offered&limit=50000",
                       headers=token(base), timeout=30).json()
    return {c["id"] for c in listed}


def test_sigterm_under_load_and_open_streams_ends_the_server_quickly(
        store: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, env = store
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(port, _env(env), tmp_path / "server.log") as server:
        admin = token(base)
        streams = [threading.Thread(target=_listen, args=(base, admin), daemon=True)
                   for _ in range(5)]
        for stream in streams:
            stream.start()
        load = Load(base, admin)
        load.start()
        time.sleep(1.5)
        took = _sigterm_within(server, 15)
        load.stop()
        assert took < 15 and server.returncode in (0, -signal.SIGTERM)
    assert_nothing_acknowledged_lost(load, url)


def _listen(base: str, headers: dict[str, str]) -> None:
    try:
        with httpx.stream("GET", f"{base}/api/v1/events", headers=headers,
                          timeout=60) as stream:
            for _ in stream.iter_lines():
                pass
    except httpx.HTTPError:
        pass


@pytest.mark.postgres
def test_a_postgresql_outage_is_ridden_out_without_a_restart(tmp_path: Path,
                                                             demo_template: Path) -> None:
    with database("postgres", tmp_path, demo_template) as (url, env):
        _outage(url, env, tmp_path)


def _outage(url: str, env: dict[str, str], tmp_path: Path) -> None:
    name = make_url(url).database
    admin = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    health: list[tuple[float, int]] = []
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            try:
                code = httpx.get(f"{base}/healthz", timeout=2).status_code
            except httpx.TransportError:
                code = 0
            health.append((time.monotonic(), code))
            time.sleep(0.2)

    try:
        with serving(port, _env(env), tmp_path / "server.log") as server:
            load = Load(base, token(base))
            load.start()
            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            time.sleep(2.0)
            down = time.monotonic()
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"),
                             {"name": name})
            time.sleep(8.0)
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            back = time.monotonic()
            recovered = None
            while time.monotonic() < back + 30:
                after = [a for a in load.attempts if a.started > back and a.status == 201]
                if after:
                    recovered = min(a.ended for a in after)
                    break
                time.sleep(0.2)
            assert recovered is not None, "writes did not come back within 30 s"
            time.sleep(1.0)
            load.stop()
            watching.set()
            watcher.join(5)
            assert any(down < at < back and code != 200 for at, code in health), \
                "/healthz said ok during the outage"
            assert recovered - back < 30
            outside = load.failures_outside(down, recovered)
            assert not outside, f"{len(outside)} good requests failed outside the outage"
            assert _sigterm_within(server, 15) < 15
        assert_nothing_acknowledged_lost(load, url)
    finally:
        admin.dispose()


def test_a_locked_sqlite_file_is_ridden_out(tmp_path: Path, demo_template: Path) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    url = f"sqlite:///{tmp_path / 'renfort.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(port, {"RENFORT_DATA_DIR": str(tmp_path), "RENFORT_DATABASE_URL": ""},
                 tmp_path / "server.log") as server:
        load = Load(base, token(base), creators=2)
        load.start()
        time.sleep(1.0)
        # Another program holds the write lock longer than the server's busy timeout.
        locker = sqlite3.connect(tmp_path / "renfort.db", timeout=30)
        locker.execute("BEGIN IMMEDIATE")
        locked = time.monotonic()
        codes = []
        while time.monotonic() < locked + 13:
            try:
                codes.append(httpx.get(f"{base}/healthz", timeout=2).status_code)
            except httpx.TransportError:
                codes.append(0)
            time.sleep(0.2)
        locker.rollback()
        locker.close()
        released = time.monotonic()
        while time.monotonic() < released + 30:
            if [a for a in load.attempts if a.started > released and a.status == 201]:
                break
            time.sleep(0.2)
        load.stop()
        assert 503 in codes, "/healthz never said the store was unavailable"
        assert [a for a in load.attempts if a.started > released and a.status == 201]
        assert _sigterm_within(server, 15) < 15
    assert_nothing_acknowledged_lost(load, url)

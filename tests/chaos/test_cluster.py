"""Several `renfort serve` processes on one PostgreSQL database: both take contacts, one leads
the desk, and when either is killed the other goes on within seconds, losing nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.chaos.harness import Load, assert_nothing_acknowledged_lost, database, token
from tests.live import first_event, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
AGENT_USER = "agent-hotline"


def _serve(port: int, url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {"RENFORT_DATABASE_URL": url, "RENFORT_LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"}
    with log.open("ab") as sink:
        return subprocess.Popen([sys.executable, "-m", "renfort.cli", "serve", "--port",
                                 str(port)], env=env, stdout=subprocess.DEVNULL, stderr=sink)


def _health(base: str) -> dict[str, object]:
    try:
        reply = httpx.get(f"{base}/healthz", timeout=2)
        return {"code": reply.status_code, **reply.json()}
    except (httpx.TransportError, ValueError):
        return {"code": 0}


def _wait(predicate: object, seconds: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() < started + seconds:
        if predicate():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {seconds} s")


def _two(url: str, tmp_path: Path) -> tuple[dict[str, subprocess.Popen[bytes]],
                                              dict[str, str]]:
    ports = {"a": free_port(), "b": free_port()}
    servers = {name: _serve(port, url, tmp_path / f"{name}.log") for name, port in ports.items()}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    _wait(lambda: all(_health(b)["code"] == 200 for b in bases.values()), 60,
          "both processes ready")
    roles = sorted(str(_health(b)["role"]) for b in bases.values())
    assert roles == ["follower", "leader"], roles
    return servers, bases


def _leader(bases: dict[str, str]) -> str:
    return next(n for n, b in bases.items() if _health(b).get("role") == "leader")


def _stop(servers: dict[str, subprocess.Popen[bytes]]) -> None:
    for server in servers.values():
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
    for server in servers.values():
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_a_contact_taken_by_one_process_is_offered_to_an_agent_of_the_other(
        tmp_path: Path, demo_template: Path) -> None:
    with database("postgres", tmp_path, demo_template) as (url, _):
        servers, bases = _two(url, tmp_path)
        try:
            leader = _leader(bases)
            follower = "a" if leader == "b" else "b"
            for taker, other in ((follower, leader), (leader, follower)):
                _offered_across(bases[taker], bases[other])
        finally:
            _stop(servers)


def _offered_across(taker: str, agent_side: str) -> None:
    admin_there = token(agent_side)
    agent_headers = token(agent_side, AGENT_USER)
    me = httpx.get(f"{agent_side}/api/v1/auth/me", headers=agent_headers).json()
    agent = me["agent_id"]
    status = httpx.get(f"{agent_side}/api/v1/agents/me/status", headers=agent_headers).json()
    if status["status"] == "logged_out":
        assert httpx.post(f"{agent_side}/api/v1/agents/me/login",
                          headers=agent_headers).status_code == 200
    seen: list[dict[str, object]] = []
    ready = threading.Event()
    listener = threading.Thread(target=first_event, args=(agent_side, admin_there, ready,
                                                           seen, "contact.offered"), daemon=True)
    listener.start()
    assert ready.wait(10)
    contact = httpx.post(f"{taker}/api/v1/contacts", headers=token(taker), json={
        "queue": "hotline-general", "channel": "voice",
        "customer_ref": "+33 6 00 00 00 42"}).json()
    assert contact["state"] == "offered" and contact["agent_id"] == agent, contact
    held = httpx.get(f"{agent_side}/api/v1/agents/me/status", headers=agent_headers).json()
    assert [c["id"] for c in held["contacts"]] == [contact["id"]]
    accepted = httpx.post(f"{agent_side}/api/v1/contacts/{contact['id']}/accept",
                          headers=agent_headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    closed = httpx.post(f"{agent_side}/api/v1/contacts/{contact['id']}/wrap-up",
                        headers=agent_headers, json={"disposition": "informed"})
    assert closed.json()["state"] == "closed"
    listener.join(10)
    assert seen and seen[0]["contact"] == contact["id"]


@pytest.mark.parametrize("victim", ["leader", "follower"])
def test_kill_minus_nine_of_either_process_and_the_other_goes_on(
        tmp_path: Path, demo_template: Path, victim: str) -> None:
    with database("postgres", tmp_path, demo_template) as (url, _):
        servers, bases = _two(url, tmp_path)
        try:
            leader = _leader(bases)
            killed = leader if victim == "leader" else ("a" if leader == "b" else "b")
            survivor = "a" if killed == "b" else "b"
            loads = {name: Load(base, token(base), creators=3, prefix=f"good{name}")
                     for name, base in bases.items()}
            for load in loads.values():
                load.start()
            time.sleep(2.0)
            servers[killed].send_signal(signal.SIGKILL)
            servers[killed].wait(10)
            killed_at = time.monotonic()
            loads[killed].stop()
            took = _wait(lambda: any(a.status == 201 and a.started > killed_at + 0.5
                                     for a in loads[survivor].attempts), 15,
                         "the survivor taking contacts again")
            assert _health(bases[survivor])["role"] == "leader"
            time.sleep(1.0)
            loads[survivor].stop()
            print(f"\n{victim} killed: survivor took contacts again after {took:.1f} s")
            for load in loads.values():
                assert_nothing_acknowledged_lost(load, url)
            _routing_goes_on(bases[survivor])
        finally:
            _stop(servers)


def _routing_goes_on(base: str) -> None:
    agent_headers = token(base, AGENT_USER)
    status = httpx.get(f"{base}/api/v1/agents/me/status", headers=agent_headers).json()
    if status["status"] == "logged_out":
        httpx.post(f"{base}/api/v1/agents/me/login", headers=agent_headers)
    else:
        httpx.put(f"{base}/api/v1/agents/me/state", headers=agent_headers,
                  json={"state": "available"})
    _wait(lambda: any(c["state"] == "offered" for c in httpx.get(
        f"{base}/api/v1/agents/me/status", headers=agent_headers).json()["contacts"]), 10,
        "an offer to the agent after the take-over")

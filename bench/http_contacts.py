"""Contacts created per second through HTTP, with agents accepting in parallel.

Starts ``renfort serve`` on a fresh demo database — SQLite with one process, and, when
``--postgres URL`` names a server, PostgreSQL with one and with two processes
(``--workers 2``; a database ``renfort_bench_http`` is created and dropped there). Then posts
contacts from a bare asyncio client with a fixed number of connections in flight, while
``--agents`` hotline agents log in, poll their status, accept what they are offered and wrap
it up, as agents' desktops do. Prints throughput, latency percentiles and the server's CPU
per contact (user + system time of the server's processes, read from /proc: on a shared
machine the figure that does not depend on the neighbours). Usage:

    python bench/http_contacts.py [--contacts 20000] [--concurrency 16] [--agents 20]
                                  [--postgres postgresql+psycopg://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and its live children (uvicorn workers)."""
    total = 0.0
    pids = [root]
    children = Path(f"/proc/{root}/task/{root}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


@dataclass
class Setup:
    name: str
    env: dict[str, str]
    workers: int
    cleanup: list[str] = field(default_factory=list)


def _prepare(env: dict[str, str]) -> None:
    cli = [sys.executable, "-m", "renfort.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "load"], env=env, check=True, capture_output=True)


def _serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "renfort.cli", "serve", "--port",
                               str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(900):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                time.sleep(1.0 if workers > 1 else 0.0)  # every worker up and elected
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("server did not start")


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str,
                   path: str, body: bytes, headers: str) -> tuple[int, bytes]:
    """One HTTP/1.1 keep-alive exchange on an open connection.

    A bare asyncio client on purpose: httpx's own overhead caps a single client process at
    about 300 requests/s here, which would measure the client instead of the server.
    """
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}"
                 f"\r\n{headers}\r\n".encode() + body)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return status, await reader.readexactly(length)


async def _token(port: int, username: str) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        reply = await http.post("/api/v1/auth/token", data={
            "username": username, "password": f"{username}-demo"})
        return str(reply.json()["access_token"])


async def _hotline_agents(port: int, admin: str, count: int) -> list[str]:
    """Tokens of ``count`` hotline agents (users made for the bench)."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        headers = {"Authorization": f"Bearer {admin}"}
        agents = [a for a in (await http.get("/api/v1/agents", headers=headers)).json()
                  if "covid-info" in a["skills"] and a["works_from"] == "site"][:count]
        tokens = []
        for agent in agents:
            username = f"bench-{agent['id']}"
            await http.post("/api/v1/users", headers=headers, json={
                "username": username, "password": "bench-password-1", "role": "agent",
                "agent": agent["id"]})
            reply = await http.post("/api/v1/auth/token", data={
                "username": username, "password": "bench-password-1"})
            tokens.append(str(reply.json()["access_token"]))
        return tokens


async def _agent(port: int, token: str, stop: asyncio.Event, handled: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    await _request(reader, writer, "POST", "/api/v1/agents/me/login", b"", headers)
    while not stop.is_set():
        _, body = await _request(reader, writer, "GET", "/api/v1/agents/me/status", b"",
                                 headers)
        contacts = json.loads(body).get("contacts", [])
        for contact in contacts:
            path = f"/api/v1/contacts/{contact['id']}"
            if contact["state"] == "offered":
                await _request(reader, writer, "POST", path + "/accept", b"", headers)
            await _request(reader, writer, "POST", path + "/wrap-up",
                           b'{"disposition":"informed"}', headers)
            handled[0] += 1
        if not contacts:
            await asyncio.sleep(0.5)
    writer.close()


async def _load(port: int, total: int, concurrency: int, agents: int
                ) -> tuple[float, list[float], int, int]:
    admin = await _token(port, "admin")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        queues = [q["id"] for q in (await http.get(
            "/api/v1/queues", headers={"Authorization": f"Bearer {admin}"})).json()
            if "voice" in q["channels"] and q.get("language") in (None, "fr")]
    agent_tokens = await _hotline_agents(port, admin, agents) if agents else []
    stop = asyncio.Event()
    handled = [0]
    desks = [asyncio.ensure_future(_agent(port, t, stop, handled)) for t in agent_tokens]
    headers = f"Authorization: Bearer {admin}\r\nContent-Type: application/json\r\n"
    latencies: list[float] = []
    failures = 0
    counter = iter(range(total))

    async def creator() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in counter:
            body = json.dumps({"queue": queues[n % len(queues)], "channel": "voice",
                               "customer_ref": f"+33 6 {n:08d}"}).encode()
            started = time.perf_counter()
            status, _ = await _request(reader, writer, "POST", "/api/v1/contacts", body,
                                       headers)
            latencies.append(time.perf_counter() - started)
            failures += status != 201
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(creator() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*desks, return_exceptions=True)
    return wall, latencies, failures, handled[0]


def run(setup: Setup, total: int, concurrency: int, agents: int) -> dict[str, float]:
    _prepare(setup.env)
    port = _free_port()
    server = _serve(setup.env, port, setup.workers)
    try:
        asyncio.run(_load(port, 300, concurrency, 0))  # warm-up
        cpu_before = _cpu_seconds(server.pid)
        wall, latencies, failures, handled = asyncio.run(_load(port, total, concurrency,
                                                               agents))
        cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    ordered = sorted(latencies)
    return {"contacts": float(total), "failures": float(failures), "per_second": total / wall,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
            "cpu_ms_per_contact": 1000 * cpu / total, "handled": float(handled)}


def _postgres(url: str, name: str) -> str:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop(url: str, name: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("RENFORT_BENCH_POSTGRES_URL"),
                        help="a PostgreSQL server URL (any database)")
    args = parser.parse_args()
    base = {**os.environ, "RENFORT_LOG_LEVEL": "warning", "RENFORT_RATE_LOGIN_FAILURES": "off"}
    base.pop("RENFORT_DATABASE_URL", None)
    print(f"HTTP POST /api/v1/contacts: {args.contacts:,} contacts, {args.concurrency} "
          f"connections, {args.agents} agents accepting and wrapping up in parallel")
    print(f"  {'store, processes':22s} {'contacts/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s} "
          f"{'CPU ms/contact':>15s} {'handled':>8s} {'failures':>9s}")
    setups = []
    with tempfile.TemporaryDirectory() as folder:
        setups.append(Setup("SQLite, 1", {**base, "RENFORT_DATA_DIR": folder}, 1))
        if args.postgres:
            for workers in (1, 2):
                name = f"renfort_bench_http_{workers}"
                url = _postgres(args.postgres, name)
                setups.append(Setup(f"PostgreSQL, {workers}",
                                    {**base, "RENFORT_DATABASE_URL": url}, workers, [name]))
        for setup in setups:
            figures = run(setup, args.contacts, args.concurrency, args.agents)
            print(f"  {setup.name:22s} {figures['per_second']:10.0f} {figures['p50_ms']:8.1f} "
                  f"{figures['p99_ms']:8.1f} {figures['cpu_ms_per_contact']:15.2f} "
                  f"{figures['handled']:8.0f} {figures['failures']:9.0f}")
            for name in setup.cleanup:
                assert args.postgres
                _drop(args.postgres, name)
    print("  targets: >= 1,000 contacts/s with p99 <= 50 ms on PostgreSQL with 2 processes; "
          "< 1 ms of server CPU per contact")


if __name__ == "__main__":
    main()

"""Contacts created per second through HTTP, one server worker on loopback, SQLite.

Starts ``renfort serve`` on a fresh demo database, then posts contacts from an asyncio
client with a fixed number of connections in flight; prints throughput and latency
percentiles. Usage: python bench/http_contacts.py [--contacts 20000] [--concurrency 32]
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
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "RENFORT_DATA_DIR": str(data_dir), "RENFORT_LOG_LEVEL": "warning"}
    env.pop("RENFORT_DATABASE_URL", None)
    cli = [sys.executable, "-m", "renfort.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "load"], env=env, check=True, capture_output=True)
    return env


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "renfort.cli", "serve", "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
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


async def _load(port: int, total: int, concurrency: int) -> tuple[float, list[float], int]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        token = (await http.post("/api/v1/auth/token", data={
            "username": "admin", "password": "admin-demo"})).json()["access_token"]
        queues = [q["id"] for q in (await http.get(
            "/api/v1/queues", headers={"Authorization": f"Bearer {token}"})).json()
            if "voice" in q["channels"]]
    headers = f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    latencies: list[float] = []
    failures = 0
    counter = iter(range(total))

    async def worker() -> None:
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
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, failures


def bench_http(total: int = 20_000, concurrency: int = 16) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = _prepare(Path(folder))
        port = _free_port()
        server = _serve(env, port)
        try:
            asyncio.run(_load(port, 500, concurrency))  # warm-up
            wall, latencies, failures = asyncio.run(_load(port, total, concurrency))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    ordered = sorted(latencies)
    return {
        "contacts": float(total),
        "failures": float(failures),
        "per_second": total / wall,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    figures = bench_http(args.contacts, args.concurrency)
    print(f"HTTP POST /api/v1/contacts, 1 worker, SQLite, concurrency {args.concurrency}")
    print(f"  {figures['contacts']:.0f} contacts, {figures['failures']:.0f} failures")
    print(f"  {figures['per_second']:.0f} contacts/s   p50 {figures['p50_ms']:.1f} ms"
          f"   p99 {figures['p99_ms']:.1f} ms   (target >= 1000/s, p99 <= 50 ms)")


if __name__ == "__main__":
    main()

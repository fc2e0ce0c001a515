"""kill -9 the server after N accepted contacts: after a restart all N are still queued."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

N = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "RENFORT_DATA_DIR": str(data_dir), "RENFORT_LOG_LEVEL": "warning"}
    env.pop("RENFORT_DATABASE_URL", None)
    log = data_dir / "server.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "renfort.cli", "serve", "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not become ready")


@pytest.mark.slow
def test_kill_minus_nine_loses_no_accepted_contact(tmp_path: Path, demo_template: Path) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = _free_port()
    server = _start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        token = httpx.post(f"{base}/api/v1/auth/token",
                           data={"username": "admin", "password": "admin-demo"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        accepted = []
        with httpx.Client(base_url=base, headers=headers) as http:
            for n in range(N):
                reply = http.post("/api/v1/contacts", json={
                    "queue": "hotline-general", "channel": "voice",
                    "customer_ref": f"+33 6 00 00 {n // 100:02d} {n % 100:02d}"})
                assert reply.status_code == 201
                accepted.append(reply.json()["id"])
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    server = _start(tmp_path, port)
    try:
        token = httpx.post(f"{base}/api/v1/auth/token",
                           data={"username": "admin", "password": "admin-demo"}).json()
        listed = httpx.get(f"{base}/api/v1/contacts?state=queued",
                           headers={"Authorization": f"Bearer {token['access_token']}"}).json()
        assert [c["id"] for c in listed] == accepted
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

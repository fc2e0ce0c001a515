"""kill -9 the server after N accepted contacts: after a restart all N are still queued."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import httpx
import pytest

from tests.live import free_port, start_server

N = 60


@pytest.mark.slow
def test_kill_minus_nine_loses_no_accepted_contact(tmp_path: Path, demo_template: Path) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = free_port()
    server = start_server(tmp_path, port)
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
    server = start_server(tmp_path, port)
    try:
        token = httpx.post(f"{base}/api/v1/auth/token",
                           data={"username": "admin", "password": "admin-demo"}).json()
        listed = httpx.get(f"{base}/api/v1/contacts?state=queued",
                           headers={"Authorization": f"Bearer {token['access_token']}"}).json()
        assert [c["id"] for c in listed] == accepted
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

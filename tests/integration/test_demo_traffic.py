"""``renfort demo traffic`` against a real server: it finds the server from RENFORT_PORT,
posts every contact it scheduled, and leaves nothing behind when it stops, whether its
duration ran out or it was interrupted (Ctrl-C)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from renfort.cli.main import app
from tests.live import free_port, start_server

HELD = ("queued", "offered", "accepted", "wrap_up")


@pytest.fixture
def server(tmp_path: Path, demo_template: Path) -> Iterator[tuple[str, int]]:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = free_port()
    process = start_server(tmp_path, port)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def _admin(base: str) -> dict[str, str]:
    reply = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": "admin", "password": "admin-demo"})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def _left_behind(base: str) -> tuple[dict[str, int], list[str]]:
    """Contacts still held or waiting, by state; agents still logged in."""
    headers = _admin(base)
    with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        held = {state: len(http.get("/api/v1/contacts",
                                    params={"state": state, "limit": 50_000}).json())
                for state in HELD}
        closed = len(http.get("/api/v1/contacts", params={"state": "closed"}).json())
        assert closed > 0, "the traffic answered nothing: the test proves nothing"
        logged_in = [a["id"] for a in http.get("/api/v1/agents").json()
                     if http.get(f"/api/v1/agents/{a['id']}/status").json()["status"]
                     != "logged_out"]
    return {s: n for s, n in held.items() if n}, logged_in


def test_traffic_finds_the_port_posts_all_it_scheduled_and_cleans_up(
        server: tuple[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, port = server
    monkeypatch.setenv("RENFORT_PORT", str(port))
    monkeypatch.setenv("RENFORT_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["demo", "traffic", "--rate", "15", "--duration", "6",
                                      "--agents", "20"])
    assert result.exit_code == 0, result.output
    assert f"127.0.0.1:{port}: driving 20 agents" in result.output
    summary = " ".join(result.output.split())
    counts = re.search(r"posted (\d+) of (\d+)", summary)
    assert counts is not None, summary
    posted, scheduled = map(int, counts.groups())
    assert scheduled > 0 and posted == scheduled
    assert "0 contacts left open" in summary
    assert _left_behind(base) == ({}, [])


def test_interrupted_traffic_cleans_up(server: tuple[str, int], tmp_path: Path) -> None:
    base, port = server
    env = {**os.environ, "RENFORT_PORT": str(port), "RENFORT_DATA_DIR": str(tmp_path),
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "renfort.cli", "demo", "traffic", "--rate", "15",
         "--agents", "20"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert "driving 20 agents" in first, first
    headers = _admin(base)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until an agent is in conversation
        accepted = httpx.get(f"{base}/api/v1/contacts", headers=headers,
                             params={"state": "accepted"}).json()
        if accepted:
            break
        time.sleep(0.2)
    assert accepted, "no contact was accepted: the interruption would prove nothing"
    process.send_signal(signal.SIGINT)
    output = first + process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "0 contacts left open" in " ".join(output.split())
    assert _left_behind(base) == ({}, [])

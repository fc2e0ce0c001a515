"""A real ``renfort serve`` process for tests that need one (crash, live events)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int,
                 settings: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``renfort serve`` on ``data_dir``; ``settings`` adds ``RENFORT_*`` variables."""
    env = {**os.environ, "RENFORT_DATA_DIR": str(data_dir), "RENFORT_LOG_LEVEL": "warning",
           **(settings or {})}
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


def first_event(base: str, headers: dict[str, str], ready: threading.Event,
                out: list[dict[str, object]], kind: str | None = None) -> None:
    """Read ``/api/v1/events`` until the first event (of ``kind``, when given): its data,
    with its ``type``, goes to ``out``. ``ready`` is set once the stream is open."""
    with httpx.stream("GET", f"{base}/api/v1/events", headers=headers, timeout=30) as stream:
        seen = None
        for line in stream.iter_lines():
            if line.startswith("retry:"):
                ready.set()
            elif line.startswith("event:"):
                seen = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and seen and (kind is None or seen == kind):
                out.append({"type": seen, **json.loads(line.split(":", 1)[1])})
                return

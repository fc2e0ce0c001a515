"""Live events over SSE from a real server: each subscriber sees its tenant's events only."""

from __future__ import annotations

import shutil
import signal
import threading
from pathlib import Path

import httpx

from tests.live import first_event, free_port, start_server


def _token(base: str, username: str) -> dict[str, str]:
    reply = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": username, "password": f"{username}-demo"})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def test_sse_delivers_each_tenant_its_own_events(tmp_path: Path, demo_template: Path) -> None:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = free_port()
    server = start_server(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        admin = _token(base, "admin")
        seen: dict[str, list[dict[str, object]]] = {"sup-atlantique": [],
                                                    "client-banque-hermine": []}
        threads = []
        for username, out in seen.items():
            ready = threading.Event()
            thread = threading.Thread(target=first_event,
                                      args=(base, _token(base, username), ready, out))
            thread.start()
            assert ready.wait(10)
            threads.append(thread)
        hotline = httpx.post(f"{base}/api/v1/contacts", headers=admin, json={
            "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 1"}).json()
        bank = httpx.post(f"{base}/api/v1/contacts", headers=admin, json={
            "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 2"}).json()
        for thread in threads:
            thread.join(20)
        assert seen["sup-atlantique"][0]["contact"] == hotline["id"]
        assert seen["sup-atlantique"][0]["type"] == "contact.queued"
        assert seen["client-banque-hermine"][0]["contact"] == bank["id"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

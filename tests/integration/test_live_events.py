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


def _replayed(base: str, headers: dict[str, str], query: str) -> list[tuple[str, str]]:
    """(event type, data) of what a stream opened with ``query`` sends before going quiet."""
    seen: list[tuple[str, str]] = []
    kind = ""
    try:
        with httpx.stream("GET", f"{base}/api/v1/events?{query}", headers=headers,
                          timeout=httpx.Timeout(5, read=2)) as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    seen.append((kind, line.split(":", 1)[1].strip()))
    except httpx.ReadTimeout:
        pass
    return seen


def test_a_page_resumes_by_query_from_the_last_event_it_saw(tmp_path: Path,
                                                             demo_template: Path) -> None:
    """A page reopening its stream itself (after a loss) passes the id in the query: it gets
    what it missed, of its own tenant only, or ``reset`` when the id is unknown."""
    shutil.copy(demo_template, tmp_path / "renfort.db")
    port = free_port()
    server = start_server(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        admin, sup = _token(base, "admin"), _token(base, "sup-atlantique")
        ids: list[str] = []
        ready = threading.Event()

        def first_id() -> None:
            with httpx.stream("GET", f"{base}/api/v1/events", headers=sup, timeout=20) as s:
                for line in s.iter_lines():
                    if line.startswith("retry:"):
                        ready.set()
                    if line.startswith("id:"):
                        ids.append(line.split(":", 1)[1].strip())
                        return

        thread = threading.Thread(target=first_id)
        thread.start()
        assert ready.wait(10)
        httpx.post(f"{base}/api/v1/contacts", headers=admin, json={
            "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 1"})
        thread.join(20)
        bank = httpx.post(f"{base}/api/v1/contacts", headers=admin, json={
            "queue": "bank-cards", "channel": "voice", "customer_ref": "+33 6 2"}).json()
        hotline = httpx.post(f"{base}/api/v1/contacts", headers=admin, json={
            "queue": "hotline-general", "channel": "voice", "customer_ref": "+33 6 3"}).json()
        missed = _replayed(base, sup, f"last_event_id={ids[0]}")
        assert any(hotline["id"] in data for _, data in missed)
        assert not any(bank["id"] in data for _, data in missed)
        assert _replayed(base, sup, "last_event_id=nowhere-1")[0][0] == "reset"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

"""Point 3 of issue 12: X-Forwarded-For is believed only from RENFORT_TRUSTED_PROXIES.

Through a real ``renfort serve`` process, as uvicorn applies (or not) the header before the
application sees the caller's address.
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from renfort.config import Settings
from tests.live import free_port, start_server


@pytest.fixture
def serve(tmp_path: Path, demo_template: Path) -> Iterator[Callable[..., str]]:
    started = []

    def start(**settings: str) -> str:
        folder = tmp_path / f"run{len(started)}"
        folder.mkdir()
        shutil.copy(demo_template, folder / "renfort.db")
        port = free_port()
        started.append(start_server(folder, port, {
            "RENFORT_RATE_LOGIN_FAILURES": "3/minute", **settings}))
        return f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wrong_login(base: str, forwarded: str) -> int:
    return httpx.post(f"{base}/api/v1/auth/token", headers={"X-Forwarded-For": forwarded},
                      data={"username": "admin", "password": "wrong"}).status_code


def test_rotating_x_forwarded_for_does_not_bypass_the_limit_by_default(
        serve: Callable[..., str]) -> None:
    base = serve()
    statuses = [_wrong_login(base, f"203.0.113.{n}") for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    ok = httpx.post(f"{base}/api/v1/auth/token", headers={"X-Forwarded-For": "198.51.100.7"},
                    data={"username": "admin", "password": "admin-demo"})
    assert ok.status_code == 429


def test_a_trusted_proxy_gives_each_citizen_their_own_count(serve: Callable[..., str]) -> None:
    base = serve(RENFORT_TRUSTED_PROXIES="127.0.0.1, ::1")
    assert [_wrong_login(base, f"203.0.113.{n}") for n in range(5)] == [401] * 5
    assert [_wrong_login(base, "198.51.100.7") for _ in range(4)] == [401, 401, 401, 429]


def test_a_bad_proxy_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(trusted_proxies="proxy.example")
    assert Settings(trusted_proxies="10.0.0.0/8, 192.0.2.1").trusted_proxy_list() == \
        ["10.0.0.0/8", "192.0.2.1"]

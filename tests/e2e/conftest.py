"""A real server on a copy of the demo database, and a real Chromium (Debian's) driving it.

Every page a test opens is watched: a console error or an uncaught exception fails the
test. Screenshots go to ``tests/e2e/screenshots/`` (git-ignored), one per page and one per
failure. ``make test`` installs Chromium when it is missing; ``playwright install`` is never
used.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from renfort.domain.clock import PARIS
from tests.live import free_port, start_server

CHROMIUM = Path(os.environ.get("RENFORT_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORT = {"width": 1366, "height": 800}
"""A common laptop screen."""
expect.set_options(timeout=10_000)


@dataclass
class Watched:
    """A page and the problems its browser reported."""

    page: Page
    name: str
    errors: list[str] = field(default_factory=list)

    def shot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session", autouse=True)
def _fresh_failure_shots() -> None:
    """Failure screenshots of an earlier run would mislead: remove them."""
    for old in SCREENSHOTS.glob("FAILED-*.png"):
        old.unlink()


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e-server")
    shutil.copy(demo_template, folder / "renfort.db")
    port = free_port()
    process = start_server(folder, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except Exception:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        yield browser
    finally:
        browser.close()


OpenPage = Callable[[str], Watched]


@pytest.fixture
def open_page(browser: Browser, server: str, request: pytest.FixtureRequest
              ) -> Iterator[OpenPage]:
    """``open_page(name)``: a fresh browser context (own cookies) with its page watched."""
    opened: list[tuple[Watched, object]] = []

    def make(name: str) -> Watched:
        context = browser.new_context(viewport=VIEWPORT, base_url=server, locale="fr-FR",
                                      timezone_id="Europe/Paris")
        context.set_default_timeout(15_000)
        page = context.new_page()
        watched = Watched(page, name)

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                watched.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error}"))
        opened.append((watched, context))
        return watched

    yield make
    failed = request.node.stash.get(_FAILED, False)
    for watched, context in opened:
        if failed:
            watched.shot(f"FAILED-{request.node.name}-{watched.name}")
        context.close()  # type: ignore[attr-defined]
    problems = [f"{w.name}: {e}" for w, _ in opened for e in w.errors]
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[None]:
    report = yield
    if getattr(report, "when", None) == "call" and getattr(report, "failed", False):
        item.stash[_FAILED] = True
    return report


def log_in(watched: Watched, username: str, path: str) -> Page:
    """Log in through the form, then open ``path``."""
    page = watched.page
    page.goto(f"/login?next={path}")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(f"{username}-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")
    return page


def ask_a_callback_later(citizen: Page) -> None:
    """A callback for a slot two days ahead: never due while the suite runs, so no later
    test finds it offered to its agent."""
    day = (datetime.now(PARIS) + timedelta(days=2)).date().isoformat()
    citizen.get_by_text("Être rappelé par un conseiller").click()
    citizen.get_by_label("Votre numéro de téléphone").fill("06 12 34 56 78")
    citizen.locator("#cb-day").fill(day)
    citizen.locator("#cb-from").fill("10:00")
    citizen.locator("#cb-to").fill("11:00")
    citizen.get_by_role("button", name="Demander à être rappelé").click()
    expect(citizen.locator("#callback-done")).to_contain_text(
        "un conseiller vous rappellera dans le créneau choisi")

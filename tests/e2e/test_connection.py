"""The server stops under open pages, then comes back: every live page says so at once,
keeps the actions it could not send and sends them again, then catches up."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.conftest import SCREENSHOTS, VIEWPORT
from tests.live import free_port, start_server


class Restartable:
    """A ``renfort serve`` that can be stopped and started again on the same port and data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = start_server(self.folder, self.port)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def restartable(tmp_path: Path, demo_template: Path) -> Iterator[Restartable]:
    shutil.copy(demo_template, tmp_path / "renfort.db")
    server = Restartable(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


EXPECTED = ("ERR_CONNECTION_REFUSED", "Failed to load resource", "htmx:sendError",
            "htmx:afterRequest", "htmx:responseError")
"""What the browser logs while the server is down (refused connections, htmx's reports)."""


def _page(browser: Browser, base: str, errors: list[str]) -> Page:
    context = browser.new_context(viewport=VIEWPORT, base_url=base, locale="fr-FR",
                                  timezone_id="Europe/Paris")
    page = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        # while the server is down, the browser logs every refused connection: expected
        if msg.type == "error" and not any(expected in msg.text for expected in EXPECTED):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def _log_in(page: Page, user: str, path: str) -> None:
    page.goto(f"/login?next={path}")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(f"{user}-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")


def test_lost_connection_banner_then_recovery(browser: Browser,
                                              restartable: Restartable) -> None:
    errors: list[str] = []
    wall = _page(browser, restartable.url, errors)
    _log_in(wall, "sup-atlantique", "/supervisor")
    expect(wall.locator("body")).to_have_attribute("data-live-ready", "1")
    agent = _page(browser, restartable.url, errors)
    _log_in(agent, "agent-hotline", "/agent")
    agent.get_by_role("button", name="Commencer ma journée").click()
    expect(agent.locator("#agent-status")).to_have_text("Disponible")
    citizen = _page(browser, restartable.url, errors)
    citizen.goto("/chat")
    expect(wall.get_by_text("Mis à jour en direct.")).to_be_visible()

    restartable.stop()
    for page in (wall, agent):
        banner = page.get_by_role("alert").filter(has_text="Connexion au serveur perdue")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Nouvel essai dans")
    expect(wall.get_by_text("Mis à jour en direct.")).to_be_hidden()
    expect(wall.locator("#live-indicator")).to_contain_text("Données figées depuis")
    wall.screenshot(path=str(SCREENSHOTS / "connection-lost-wall.png"))

    # The agent's pause and the citizen's message do not vanish: they wait, visibly.
    agent.get_by_label("Motif de la pause").select_option("meal")
    agent.get_by_role("button", name="Pause", exact=True).click()
    pending = agent.locator("#live-status .live-pending li")
    expect(pending).to_contain_text("Pas encore envoyé : Pause")
    citizen.get_by_label("Votre message").fill("Peut-on rendre visite à un proche en EHPAD ?")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(citizen.get_by_role("alert").filter(has_text="Connexion au serveur perdue")
           ).to_be_visible()
    expect(citizen.locator("#live-status .live-pending li")).to_contain_text("EHPAD")
    agent.screenshot(path=str(SCREENSHOTS / "connection-lost-agent.png"))

    restartable.start()
    # Back: the actions are sent again, the pages catch up, the banner goes.
    expect(agent.locator("#agent-status")).to_have_text("En pause", timeout=45_000)
    expect(agent.locator("#agent-panel")).to_contain_text("Repas")
    expect(citizen.locator("#chat-log .from-customer")).to_contain_text("EHPAD",
                                                                        timeout=45_000)
    expect(citizen.locator("#chat-message")).to_have_value("")
    for page in (wall, agent, citizen):
        expect(page.locator(".live-lost-text")).to_be_hidden(timeout=45_000)
    expect(wall.get_by_text("Mis à jour en direct.")).to_be_visible()
    expect(wall.locator("body")).to_have_attribute("data-live-ready", "1")
    # the wall follows live again: the agent's break shows without a reload
    expect(wall.locator("#agents-table tr[data-state=break]", has_text="Karim")).to_be_visible()
    for page in (wall, agent, citizen):
        page.context.close()
    assert errors == []

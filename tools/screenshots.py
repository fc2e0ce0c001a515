"""Screenshots of every page at desktop and phone size, into ``docs/screenshots/``.

    PYTHONPATH=src:. .venv/bin/python tools/screenshots.py [--out docs/screenshots]

It loads the demo into a temporary folder, starts ``renfort serve`` on it, drives Debian's
Chromium (the one the browser tests use) and, on the way, reports every page wider than
its window (a horizontal scroll bar on a phone). The agent desktop and the citizen chat are
shot with an offer pending, so that the live parts show.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.e2e.pages import PAGES, log_in, overflow
from tests.live import free_port, start_server

CHROMIUM = Path(os.environ.get("RENFORT_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MAX_HEIGHT = 4000
SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1366, "height": 800},
                                  "phone": {"width": 390, "height": 844}}


def _a_day_so_far(base: str) -> None:
    """A few contacts handled (through the API) so that today's charts have points."""
    token = httpx.post(f"{base}/api/v1/auth/token", data={
        "username": "agent-hotline", "password": "agent-hotline-demo"}).json()["access_token"]
    agent = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{base}/api/v1/agents/me/login", headers=agent)
    httpx.put(f"{base}/api/v1/agents/me/state", headers=agent, json={"state": "available"})
    for _ in range(2):
        started = httpx.post(f"{base}/api/v1/self-service/conversations",
                             json={"message": "je voudrais parler à un conseiller"}).json()
        contact = started["contact_id"]
        for step, body in (("accept", None), ("end", None),
                           ("wrap-up", {"disposition": "informed"})):
            httpx.post(f"{base}/api/v1/contacts/{contact}/{step}", headers=agent, json=body)
    httpx.post(f"{base}/api/v1/agents/me/logout", headers=agent)


def _pending_offer(browser: Browser, base: str) -> tuple[Page, Page]:
    """An agent available and a citizen who asked for one: the offer is on the desktop."""
    agent = browser.new_context(base_url=base, locale="fr-FR",
                                timezone_id="Europe/Paris").new_page()
    log_in(agent, "agent-hotline", "/agent")
    agent.get_by_role("button", name="Commencer ma journée").click()
    agent.locator("#agent-status[data-status=available]").wait_for()
    citizen = browser.new_context(base_url=base, locale="fr-FR",
                                  timezone_id="Europe/Paris").new_page()
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill(
        "Bonjour, je voudrais parler à un conseiller pour une attestation de déplacement")
    citizen.get_by_role("button", name="Envoyer").click()
    agent.locator(".offer").wait_for()
    return agent, citizen


def shoot(browser: Browser, base: str, out: Path, only: set[str]) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    _a_day_so_far(base)
    live_agent, live_citizen = _pending_offer(browser, base)
    for size, viewport in SIZES.items():
        for shot in PAGES:
            if only and shot.name not in only:
                continue
            if shot.name == "agent":
                page = live_agent
            elif shot.name == "chat":
                page = live_citizen
            else:
                context = browser.new_context(viewport=viewport, base_url=base,
                                              locale="fr-FR", timezone_id="Europe/Paris")
                page = context.new_page()
                if shot.user:
                    log_in(page, shot.user, shot.path)
                else:
                    page.goto(shot.path)
            page.set_viewport_size(viewport)
            if shot.name in ("agent", "chat"):
                page.reload()
            page.wait_for_load_state("networkidle")
            wider = overflow(page)
            if wider > 0:
                problems.append(f"{shot.name} at {size}: {wider} px too wide")
            # the whole page, but long lists (300 agents) only as far as a few screens
            tall = int(page.evaluate("document.documentElement.scrollHeight"))
            page.screenshot(path=str(out / f"{shot.name}-{size}.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": viewport["width"],
                                  "height": min(tall, MAX_HEIGHT)})
            if page not in (live_agent, live_citizen):
                page.context.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="*", help="names of the pages to shoot (all by default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "RENFORT_DATA_DIR": folder}
        env.pop("RENFORT_DATABASE_URL", None)
        for step in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "renfort.cli", *step], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        port = free_port()
        # offers wait long enough here to be shot at both sizes
        server = start_server(Path(folder), port, {"RENFORT_OFFER_TIMEOUT_SECONDS": "600"})
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                problems = shoot(browser, f"http://127.0.0.1:{port}", args.out,
                                 set(args.only or ()))
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    for problem in problems:
        print(problem)
    print(f"{len(PAGES) * len(SIZES)} screenshots in {args.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

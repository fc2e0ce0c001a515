"""Every page passes the automated WCAG 2.1 A and AA rules of axe-core, at desktop and phone
size, and so do the live states that only exist once something happens: an offer on the
agent desktop, a citizen waiting, the lost-connection banner."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenPage, log_in
from tests.e2e.pages import PAGES

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}
SIZES = ({"width": 1366, "height": 800}, {"width": 390, "height": 844})
AXE = Axe()


def _violations(page: Page, label: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    found: list[dict[str, Any]] = AXE.run(page, options=RULES).response["violations"]
    return [f"{label}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in found]


def test_every_page_passes_wcag_a_and_aa(open_page: OpenPage) -> None:
    problems: list[str] = []
    users = list(dict.fromkeys(shot.user for shot in PAGES))
    for user in users:  # one session per user: logging in again for each page adds nothing
        tab = open_page(f"wcag-{user or 'public'}")
        for shot in (s for s in PAGES if s.user == user):
            for size in SIZES:
                tab.page.set_viewport_size(size)
                if shot.user and tab.page.url == "about:blank":
                    log_in(tab, shot.user, shot.path)
                else:
                    tab.page.goto(shot.path)
                if shot.name == "not-found":  # the browser reports the 404 it was asked for
                    tab.errors[:] = [e for e in tab.errors if "404" not in e]
                problems += _violations(tab.page, f"{shot.name} at {size['width']} px")
        tab.page.context.close()
    assert problems == []


def test_the_live_states_pass_wcag_a_and_aa(open_page: OpenPage) -> None:
    agent_tab = open_page("wcag-agent-offer")
    agent = log_in(agent_tab, "agent-hotline", "/agent")
    for name in ("Commencer ma journée", "Me mettre disponible"):
        if agent.get_by_role("button", name=name).count():
            agent.get_by_role("button", name=name).click()
    expect(agent.locator("#agent-status")).to_have_text("Disponible")
    citizen = open_page("wcag-citizen").page
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill("je voudrais parler à un conseiller")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(agent.locator(".offer")).to_be_visible()
    problems = _violations(agent, "agent with an offer")
    problems += _violations(citizen, "citizen waiting")
    # the banner as a cut-off page shows it (the probe is held off)
    agent.route("**/readyz", lambda route: route.abort())
    agent.evaluate("document.body.classList.add('live-lost');"
                   "document.getElementById('live-status').hidden = false")
    problems += _violations(agent, "lost-connection banner")
    agent.locator(".offer").get_by_role("button", name="Accepter").click()
    expect(agent.locator("#contact-state")).to_have_text("En cours")
    problems += _violations(agent, "agent in a conversation")
    agent.get_by_label("Qualification").select_option("informed")
    agent.get_by_role("button", name="Clôturer le contact").click()
    expect(citizen.locator("#chat-ended")).to_be_visible()
    problems += _violations(citizen, "citizen after the end")
    # leave the agent as the other tests expect to find them: day not started
    agent.get_by_role("button", name="Terminer ma journée").click()
    expect(agent.get_by_role("button", name="Commencer ma journée")).to_be_visible()
    assert problems == []

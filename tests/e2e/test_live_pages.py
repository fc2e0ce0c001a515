"""Round 2 of the live pages in a real Chromium: an offer announced with its context, a
missed offer that says why, an action taken from the supervisor wall, a waiting citizen
told their rank and wait who asks to be called back, and every page at phone width."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenPage, ask_a_callback_later, log_in
from tests.e2e.pages import PAGES, overflow

PHONE = {"width": 390, "height": 844}


def _ready(agent: Page) -> None:
    """The agent is available, whatever an earlier test left them in."""
    expect(agent.locator("#agent-status")).to_be_visible()
    for name in ("Commencer ma journée", "Me mettre disponible"):
        button = agent.get_by_role("button", name=name)
        if button.count():
            button.click()
    # a contact an earlier test left waiting is taken and closed first
    status = agent.locator("#agent-status")
    for _ in range(5):
        expect(status).to_have_text(re.compile("Disponible|Contact proposé|Offre manquée"))
        if status.inner_text().strip() == "Disponible":
            break
        if status.inner_text().strip() == "Offre manquée":
            agent.get_by_role("button", name="Me mettre disponible").click()
            continue
        agent.locator(".offer").get_by_role("button", name="Accepter").first.click()
        agent.get_by_label("Qualification").select_option("informed")
        agent.get_by_role("button", name="Clôturer le contact").click()
    expect(status).to_have_text("Disponible")
    expect(agent.locator("body")).to_have_attribute("data-live-ready", "1")


def test_an_offer_is_announced_with_its_context(open_page: OpenPage) -> None:
    agent_tab = open_page("agent-offer")
    agent = log_in(agent_tab, "agent-hotline", "/agent")
    _ready(agent)
    citizen = open_page("citizen-offer").page
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill(
        "Bonjour, je voudrais parler à un conseiller pour une attestation de déplacement")
    citizen.get_by_role("button", name="Envoyer").click()

    offer = agent.locator(".offer")
    expect(offer).to_be_visible()
    expect(agent.locator("#agent-status")).to_have_text("Contact proposé")
    expect(offer.locator(".offer-first")).to_contain_text("attestation de déplacement")
    expect(offer).to_contain_text("Informations générales")
    expect(offer).to_contain_text("Attend depuis")
    expect(offer.locator(".elapsed")).to_have_text(re.compile(r"^\d+ s$|min"))
    expect(offer.locator(".countdown")).to_have_text(re.compile(r"^\d+ s$"))
    expect(offer.locator(".offer-note")).to_have_text(
        "Transmis par l'assistant : la personne a demandé à parler à un conseiller.")
    # announced: the tab's title says so, and the page records how it was announced
    expect(agent).to_have_title(re.compile(r"^\(1\) Contact proposé"))
    expect(agent.locator("body")).to_have_attribute("data-announced-by",
                                                    re.compile(r"\btitle\b"))
    agent_tab.shot("agent-offer")

    # not answered in time: the agent is told what happened and what to do
    expect(agent.locator("#missed-why")).to_contain_text("Vous n'avez pas répondu à temps",
                                                         timeout=40_000)
    expect(agent.locator("#agent-status")).to_have_text("Offre manquée")
    expect(agent).not_to_have_title(re.compile(r"Contact proposé"))
    agent_tab.shot("agent-missed")
    agent.get_by_role("button", name="Me mettre disponible").click()
    agent.locator(".offer").get_by_role("button", name="Accepter").click()
    expect(agent.locator("#contact-state")).to_have_text("En cours")
    agent.get_by_label("Qualification").select_option("informed")
    agent.get_by_role("button", name="Clôturer le contact").click()
    expect(agent.get_by_text("Contact clôturé.")).to_be_visible()
    # the citizen is told plainly that it is over
    expect(citizen.locator("#chat-ended")).to_contain_text("Conversation terminée")


def test_a_supervisor_pauses_an_agent_from_the_wall(open_page: OpenPage) -> None:
    agent = log_in(open_page("agent-paused"), "agent-hotline", "/agent")
    _ready(agent)
    wall_tab = open_page("wall-action")
    wall = log_in(wall_tab, "sup-atlantique", "/supervisor")
    row = wall.locator("#agents-table tr", has_text="Karim")
    expect(row).to_have_attribute("data-state", "available")
    expect(row.locator(".elapsed")).to_be_visible()
    # filter: another state hides the row, back to all shows it
    wall.get_by_label("État des conseillers").select_option("break")
    expect(wall.locator("#agents-table tr", has_text="Karim")).to_have_count(0)
    wall.get_by_label("État des conseillers").select_option("")
    row.get_by_role("button", name="Pause Karim B.").click()
    expect(wall.locator("#flash")).to_contain_text("Fait : mettre Karim B. en pause")
    expect(wall.locator("#agents-table tr", has_text="Karim")).to_have_attribute(
        "data-state", "break")
    # the agent's own desktop follows, live
    expect(agent.locator("#agent-status")).to_have_text("En pause")
    expect(agent.locator("#agent-panel")).to_contain_text("Mis en pause par la supervision")
    # a refused call of the wall says why in French, never the API's English detail
    logout = wall.locator("#agents-table tr", has_text="Karim").locator(
        "[data-api$='/logout']").get_attribute("data-api") or ""
    wall.evaluate("""(api) => {
        const button = document.createElement("button");
        button.id = "login-again"; button.textContent = "login";
        button.setAttribute("data-api", api); button.setAttribute("data-action-label", "login");
        document.body.appendChild(button);
    }""", logout.replace("/logout", "/login"))
    wall.locator("#login-again").click()
    expect(wall.locator("#flash")).to_have_text(
        "Action refusée : Impossible dans votre état actuel — Le conseiller est déjà connecté.")
    wall_tab.errors[:] = [e for e in wall_tab.errors if "409" not in e]  # the refusal itself
    # drill down on the agent
    wall.get_by_role("link", name="Détail de Karim B.").click()
    expect(wall.locator("#wall-detail")).to_contain_text("Conseiller : Karim B.")
    expect(wall.locator("#detail-state")).to_have_text("En pause")
    wall_tab.shot("wall-detail")


def test_a_waiting_citizen_sees_rank_and_wait_and_asks_a_callback(open_page: OpenPage
                                                                  ) -> None:
    agent = log_in(open_page("agent-away"), "agent-hotline", "/agent")
    if agent.locator("#agent-status").inner_text() != "En pause":
        agent.get_by_role("button", name="Pause", exact=True).click()
        expect(agent.locator("#agent-status")).to_have_text("En pause")
    tab = open_page("citizen-waiting")
    citizen = tab.page
    # someone else asked first
    ahead = citizen.request.post("/api/v1/self-service/conversations",
                                 data={"message": "je voudrais parler à un conseiller"})
    assert ahead.status == 201, ahead.text()
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill("Bonjour")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(citizen.locator("#chat-log .from-assistant").last).to_contain_text(
        "Quelle est votre question ?")
    expect(citizen.locator("#chat-status")).not_to_contain_text("Un conseiller va")
    citizen.get_by_label("Votre message").fill("Je voudrais parler à un conseiller")
    citizen.get_by_role("button", name="Envoyer").click()
    wait = citizen.locator("#chat-wait")
    expect(wait).to_contain_text(re.compile(r"Vous êtes \d+e dans la file d'attente\."))
    expect(wait).to_contain_text(
        re.compile(r"Attente estimée : (environ \d+ min|moins d.une minute)\."))
    assert int(wait.get_attribute("data-position") or 0) >= 2
    tab.shot("citizen-waiting")
    ask_a_callback_later(citizen)


def test_no_page_scrolls_sideways_on_a_phone(open_page: OpenPage) -> None:
    wide = []
    for user in dict.fromkeys(shot.user for shot in PAGES):  # one session per user
        tab = open_page(f"phone-{user or 'public'}")
        tab.page.set_viewport_size(PHONE)
        for shot in (s for s in PAGES if s.user == user):
            if shot.user and tab.page.url == "about:blank":
                log_in(tab, shot.user, shot.path)
            else:
                tab.page.goto(shot.path)
            tab.page.wait_for_load_state("networkidle")
            if shot.name == "not-found":  # the browser reports the 404 it was asked for
                tab.errors[:] = [e for e in tab.errors if "404" not in e]
            if overflow(tab.page) > 0:
                wide.append(f"{shot.name}: {overflow(tab.page)} px")
                tab.shot(f"too-wide-{shot.name}")
        tab.page.context.close()
    assert wide == []


def test_a_reply_being_typed_survives_the_workspace_reloading(open_page: OpenPage) -> None:
    agent = log_in(open_page("agent-draft"), "agent-hotline", "/agent")
    _ready(agent)
    citizen = open_page("citizen-draft").page
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill("Bonjour, je voudrais parler à un conseiller")
    citizen.get_by_role("button", name="Envoyer").click()
    agent.locator(".offer").get_by_role("button", name="Accepter").click()
    expect(agent.locator("#contact-state")).to_have_text("En cours")
    reply = agent.get_by_label("Votre réponse")
    reply.press_sequentially("Je regarde votre dossier,")
    agent.locator("#workspace").evaluate("el => el.setAttribute('data-before', '1')")
    # the citizen writes something urgent: the whole workspace reloads, with the alert
    citizen.get_by_label("Votre message").fill("Mon père vient de tomber, il ne répond plus")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(agent.locator("#safety-alert")).to_be_visible()
    expect(agent.locator("#workspace")).not_to_have_attribute("data-before", "1")
    expect(reply).to_have_value("Je regarde votre dossier,")
    expect(reply).to_be_focused()
    reply.press_sequentially(" appelez le 15.")  # the caret is where it was
    agent.get_by_role("button", name="Envoyer").click()
    expect(agent.locator("#messages .from-agent").last).to_contain_text(
        "Je regarde votre dossier, appelez le 15.")
    expect(reply).to_have_value("")
    agent.get_by_label("Qualification").select_option("informed")
    agent.get_by_role("button", name="Clôturer le contact").click()
    expect(agent.get_by_text("Contact clôturé.")).to_be_visible()
    # the draft has served: nothing of the conversation is left in the tab's storage
    assert agent.evaluate("Object.keys(sessionStorage)"
                          ".filter(k => k.startsWith('renfort.draft.'))") == []

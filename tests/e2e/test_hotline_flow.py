"""The critical flow, across three browsers: a citizen asks for an agent on the public chat;
an agent starts their day, accepts the offer and replies; the citizen sees the reply live;
the supervisor wall follows without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import OpenPage, log_in


def test_citizen_agent_supervisor(open_page: OpenPage) -> None:
    # The supervisor's wall is open before anything happens.
    sup_tab = open_page("supervisor")
    sup = log_in(sup_tab, "sup-atlantique", "/supervisor")
    expect(sup.locator("body")).to_have_attribute("data-live-ready", "1")
    answered = int(sup.locator("#kpi-answered").inner_text())
    available = int(sup.locator("#kpi-available").inner_text())
    busy = int(sup.locator("#kpi-busy").inner_text())

    # The agent starts the day and becomes available.
    agent_tab = open_page("agent")
    agent = log_in(agent_tab, "agent-hotline", "/agent")
    agent.get_by_role("button", name="Commencer ma journée").click()
    expect(agent.locator("#agent-status")).to_have_text("Disponible")
    agent.get_by_label("Motif de la pause").select_option("meal")
    agent.get_by_role("button", name="Pause", exact=True).click()
    expect(agent.locator("#agent-status")).to_have_text("En pause")
    expect(agent.locator("#agent-panel")).to_contain_text("Repas")
    agent.get_by_role("button", name="Me mettre disponible").click()
    expect(agent.locator("#agent-status")).to_have_text("Disponible")
    expect(agent.locator("body")).to_have_attribute("data-live-ready", "1")
    expect(sup.locator("#kpi-available")).to_have_text(str(available + 1))

    # A citizen asks for a person on the public chat (no login).
    citizen_page = open_page("citizen")
    citizen = citizen_page.page
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill(
        "Bonjour, je voudrais parler à un conseiller s'il vous plaît")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(citizen.locator("#chat-status")).to_contain_text("Un conseiller va vous répondre")

    # The offer reaches the agent live, with its countdown; the agent accepts.
    offer = agent.locator(".offer")
    expect(offer).to_be_visible()
    expect(offer.locator(".countdown")).to_have_text(re.compile(r"^\d+ s$"))
    offer.get_by_role("button", name="Accepter").click()
    expect(agent.locator("#contact-state")).to_have_text("En cours")
    expect(agent.locator("#messages")).to_contain_text("parler à un conseiller")

    # The wall shows the agent busy without a reload.
    expect(sup.locator("#kpi-busy")).to_have_text(str(busy + 1))
    expect(sup.locator("#kpi-answered")).to_have_text(str(answered + 1))
    expect(sup.locator("#agents-table tr[data-state=busy]", has_text="Karim")).to_be_visible()

    # The agent replies; the citizen sees it live, and the status changes.
    agent.get_by_label("Votre réponse").fill("Bonjour, je suis Karim, que puis-je pour vous ?")
    agent.get_by_role("button", name="Envoyer").click()
    expect(agent.locator("#messages .from-agent")).to_contain_text("que puis-je pour vous")
    expect(citizen.locator("#chat-log .from-agent")).to_contain_text("que puis-je pour vous")
    expect(citizen.locator("#chat-status")).to_contain_text("Un conseiller vous répond")

    # The citizen answers; the agent sees it live and looks it up in the knowledge base.
    citizen.get_by_label("Votre message").fill("Puis-je aller voir ma mère en Ehpad ?")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(agent.locator("#messages .from-customer").last).to_contain_text("Ehpad")
    # Suggestions follow what the citizen last wrote, from the hotline's base.
    expect(agent.locator("#kb-suggestions li").first).to_contain_text("Ehpad", ignore_case=True)
    agent.get_by_label("Rechercher une réponse").fill("visite en Ehpad")
    agent.get_by_role("button", name="Chercher").click()
    first = agent.locator("#kb-results li").first
    expect(first.locator(".source")).to_contain_text("Source :")
    first.get_by_role("button", name="Insérer dans la réponse").click()
    expect(agent.get_by_label("Votre réponse")).to_have_value(re.compile(r"Source :"))
    agent_tab.shot("agent-desktop")
    citizen_page.shot("citizen-chat")
    sup_tab.shot("supervisor-wall")

    # The citizen writes something urgent: the number at once for them; for the agent, a
    # live alert with the number given and the redirect button; a live flag on the wall.
    citizen.get_by_label("Votre message").fill(
        "Attendez, mon père vient de tomber dans la cuisine et il ne répond plus")
    citizen.get_by_role("button", name="Envoyer").click()
    expect(citizen.locator(".urgent-box a[href=\"tel:15\"]")).to_be_visible()
    alert = agent.locator("#safety-alert")
    expect(alert).to_contain_text("URGENCE MÉDICALE")
    expect(alert.locator("a[href=\"tel:15\"]")).to_be_visible()
    expect(alert.get_by_role("button", name=re.compile("^Orienter vers SAMU"))).to_be_visible()
    expect(agent.locator("#agent-panel .held")).to_contain_text("Alerte")
    expect(sup.locator(".flag-list li[data-origin=held_contact]")).to_contain_text("Karim")
    agent_tab.shot("agent-safety-alert")
    sup_tab.shot("supervisor-wall-flag")

    # Wrap-up with a disposition closes the contact everywhere.
    agent.get_by_label("Qualification").select_option("informed")
    agent.get_by_role("button", name="Clôturer le contact").click()
    expect(agent.get_by_text("Contact clôturé.")).to_be_visible()
    expect(citizen.locator("#chat-status")).to_contain_text("terminée")
    expect(sup.locator("#kpi-busy")).to_have_text(str(busy))

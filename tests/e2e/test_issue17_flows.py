"""In a real browser: a citizen asks to be called back from the chat; a staff representative
records today's consultation on the site's page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import OpenPage, ask_a_callback_later, log_in


def test_citizen_asks_for_a_callback(open_page: OpenPage) -> None:
    citizen = open_page("citizen-callback").page
    citizen.goto("/chat")
    citizen.get_by_label("Votre message").fill("Faut-il une attestation pour sortir ?")
    citizen.get_by_role("button", name="Envoyer").click()
    ask_a_callback_later(citizen)


def test_staff_representative_records_the_daily_consultation(open_page: OpenPage) -> None:
    rep = log_in(open_page("staff-rep"), "rep-atlantique", "/sites/atlantique-nantes")
    rep.get_by_label("Présents à la consultation du jour").fill("Élus CSE, Direction")
    rep.get_by_label("Procès-verbal de la consultation").fill("Gel livré, masques en commande.")
    rep.get_by_role("button", name="Enregistrer la consultation").click()
    expect(rep.locator("#consultations")).to_contain_text("Consultation du jour tenue")
    expect(rep.locator("#consultations-list")).to_contain_text("Gel livré")

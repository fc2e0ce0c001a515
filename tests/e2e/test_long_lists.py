"""Long lists in a real browser: the agents list narrows as one types (htmx, no reload),
pages move on, a seat is picked on the plan and an agent found by a search is seated."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import OpenPage, log_in


def test_admin_searches_and_pages_the_agents(open_page: OpenPage) -> None:
    tab = open_page("long-lists-admin")
    page = log_in(tab, "admin", "/admin/agents")
    rows = page.locator("#admin-table tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator("#admin-list")).to_contain_text("1 à 50 sur 300")
    page.get_by_role("link", name="Page suivante").click()
    expect(page.locator("#admin-list")).to_contain_text("51 à 100 sur 300")
    expect(page).to_have_url(re.compile(r"/admin/agents\?page=2$"))
    first_name = rows.first.locator("td").first.inner_text()
    page.get_by_role("searchbox", name="Rechercher").fill(first_name)
    expect(page.locator("#admin-list")).to_contain_text("300 en tout")
    expect(rows.first).to_contain_text(first_name)
    assert rows.count() < 50
    tab.shot("admin-agents-search")


def test_a_seat_picked_on_the_plan_and_an_agent_found_by_search(open_page: OpenPage) -> None:
    tab = open_page("long-lists-seat")
    page = log_in(tab, "manager-atlantique", "/sites/atlantique-nantes")
    free_seat = page.locator("svg.seatplan a:has(circle.seat-usable)").first
    seat_id = free_seat.locator("circle").get_attribute("data-seat")
    free_seat.click()
    expect(page.locator("#seat-detail")).to_contain_text(f"Poste {seat_id}")
    expect(page.locator("#c-seat")).to_have_value(str(seat_id))
    agents = page.locator("#c-agent option")
    wanted = agents.last.inner_text()
    page.get_by_label("Rechercher un conseiller").fill(wanted)
    expect(agents.first).to_have_text(wanted)
    page.get_by_role("button", name="Installer").click()
    expect(page.get_by_text("Conseiller installé.")).to_be_visible()
    expect(page.locator("#stays-table")).to_contain_text(wanted)
    expect(page.locator("#stays-table")).to_contain_text(str(seat_id))
    tab.shot("sites-seat-picked")
    # leave the site as the other tests expect to find it: nobody seated
    page.locator("#stays-table tbody tr").filter(has_text=wanted).get_by_role(
        "button", name="Libérer le poste").click()
    expect(page.get_by_text("Poste libéré")).to_be_visible()

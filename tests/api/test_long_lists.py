"""Long lists on the pages: searched and paged on the server (agents, articles, seats),
pickers that offer a few matching choices, within the caller's tenant."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import login


def _page_login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>", body)


def test_the_agents_list_is_paged_and_searched_on_the_server(client: TestClient) -> None:
    agents = client.get("/api/v1/agents", headers=login(client, "admin")).json()
    assert len(agents) == 300
    _page_login(client, "admin")
    first = client.get("/admin/agents").text
    assert len(_rows(first, "admin-table")) == 50
    assert "1 à 50 sur 300" in first and "Page 1 sur 6" in first
    last = client.get("/admin/agents?page=6").text
    assert len(_rows(last, "admin-table")) == 50 and "251 à 300 sur 300" in last
    beyond = client.get("/admin/agents?page=99").text
    assert "Page 6 sur 6" in beyond  # clamped, not an empty page
    name = agents[123]["name"]
    found = client.get("/admin/agents", params={"q": name.upper()}).text
    assert name in found and "sur 300" not in found.split("en tout")[0]
    assert len(_rows(found, "admin-table")) >= 1
    none = client.get("/admin/agents", params={"q": "zzz-personne"}).text
    assert "Aucun résultat." in none


def test_a_manager_searches_only_their_own_agents(client: TestClient) -> None:
    everyone = client.get("/api/v1/agents", headers=login(client, "admin")).json()
    other = next(a for a in everyone if a["outsourcer"] != "atlantique")
    _page_login(client, "manager-atlantique")
    found = client.get("/admin/agents", params={"q": other["id"]}).text
    assert _rows(found, "admin-table") == ["<tr>"] and "Aucun résultat." in found
    assert f'/admin/agents/{other["id"]}' not in found


def test_articles_are_searched_without_accents_and_paged(client: TestClient) -> None:
    _page_login(client, "editor")
    everything = client.get("/knowledge").text
    assert len(_rows(everything, "articles")) == 50 and "1 à 50 sur" in everything
    found = client.get("/knowledge", params={"q": "DEPLACEMENT attestation"}).text
    rows = _rows(found, "articles")
    assert 1 <= len(rows) < 50 and "attestation-deplacement" in found
    second = client.get("/knowledge", params={"page": 2}).text
    assert "Page 2 sur" in second and "51 à" in second


def test_seats_are_listed_paged_and_the_plan_links_each_seat(client: TestClient) -> None:
    _page_login(client, "manager-atlantique")
    site = client.get("/sites/atlantique-nantes").text
    assert 'id="seats-table"' in site
    assert 'role="group"' in site and '?seat=' in site  # the plan's seats are links
    seats = client.get("/api/v1/sites/atlantique-nantes/seats",
                       headers=login(client, "manager-atlantique")).json()
    free = next(s for s in seats if s["usable"] and not s["occupied"])
    chosen = client.get("/sites/atlantique-nantes", params={"seat": free["seat_id"]}).text
    assert f"Poste {free['seat_id']}" in chosen
    assert f"<option selected>{free['seat_id']}</option>" in chosen
    searched = client.get("/sites/atlantique-nantes",
                          params={"seats_q": free["seat_id"]}).text
    listed = searched.split('id="seats-table"', 1)[1].split("</table>", 1)[0]
    assert free["seat_id"] in listed and len(_rows(searched, "seats-table")) < len(seats)


def test_pickers_offer_a_few_matching_choices_of_the_callers_tenant(
        client: TestClient) -> None:
    everyone = client.get("/api/v1/agents", headers=login(client, "admin")).json()
    own = [a for a in everyone if a["outsourcer"] == "atlantique"]
    _page_login(client, "manager-atlantique")
    options = client.get("/sites/atlantique-nantes/pick/agents").text
    assert 1 <= options.count("<option") <= 30
    wanted = own[-1]
    narrowed = client.get("/sites/atlantique-nantes/pick/agents",
                          params={"q": wanted["name"].lower()}).text
    assert wanted["name"] in narrowed
    other = next(a for a in everyone if a["outsourcer"] == "azur")
    assert other["id"] not in client.get("/sites/atlantique-nantes/pick/agents",
                                         params={"q": other["id"]}).text
    seats = client.get("/sites/atlantique-nantes/pick/seats", params={"q": "zzz"}).text
    assert "Aucun résultat." in seats
    # Another outsourcer's site, or a client's viewer: refused, nothing listed.
    foreign = client.get("/sites/azur-marseille/pick/agents").text
    assert "<option" not in foreign and 'role="alert"' in foreign
    _page_login(client, "client-numero-vert")
    viewer = client.get("/sites/atlantique-nantes/pick/agents").text
    assert "<option" not in viewer and 'role="alert"' in viewer

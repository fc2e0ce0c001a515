"""The report page: one line per outsourcer for the principal, its own only for an
outsourcer, the client's queues with their telework share; French errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from tests.api.test_sla_report import DAY, _traffic


def _browser_login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _section(page: str, element_id: str) -> str:
    part = page[page.index(f'id="{element_id}"'):]
    return part[:part.index("</table>")]


def test_the_principal_sees_every_outsourcer_and_its_queues(
        client: TestClient, clock: ManualClock) -> None:
    _traffic(client, clock)
    _browser_login(client, "client-numero-vert")
    page = client.get("/reports", params={"from": DAY, "grouping": "15"})
    assert page.status_code == 200
    text = page.text
    summary = _section(text, "summary-table")
    assert "atlantique" in summary and "nordcom" in summary, summary
    assert text.count('<svg class="chart"') == 6  # four per outsourcer, two per queue
    assert "Niveau de service par prestataire" in text and "Objectif 80\xa0%" in text
    assert "hotline-general" in _section(text, "queues-table")
    assert "Part de vos contacts traités en télétravail" in text
    assert "/api/v1/reports/sla?" in text and "format=xlsx" in text
    shares = _section(text, "shares-table")
    assert "40,0\xa0%" in shares  # Atlantique's contracted share of the crisis lot
    exported = client.get(text[text.index("/api/v1/reports/sla?"):].split('"')[0]
                          .replace("&amp;", "&"))
    assert exported.status_code == 200 and exported.text.startswith("period,")


def test_an_outsourcer_page_shows_only_itself(client: TestClient, clock: ManualClock) -> None:
    _traffic(client, clock)
    _browser_login(client, "sup-atlantique")
    text = client.get("/reports", params={"from": DAY, "grouping": "day"}).text
    summary = _section(text, "summary-table")
    assert "atlantique" in summary and "nordcom" not in summary and "(aucun)" not in summary
    assert 'id="queues-table"' not in text
    assert "atlantique" in _section(text, "staffing-table")


def test_refusals_in_french(client: TestClient) -> None:
    _browser_login(client, "client-numero-vert")
    text = client.get("/reports", params={"from": "2020-03-20", "to": "2020-03-01"}).text
    assert 'id="form-error"' in text and "Saisie invalide" in text
    assert "vient avant son début" in text
    assert "comes before" not in text
    _browser_login(client, "agent-hotline")
    refused = client.get("/reports").text
    assert "Page non accessible" in refused and "summary-table" not in refused

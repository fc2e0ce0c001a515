"""The redirect directory's page (``/knowledge/redirects``): the entries in force with
tap-to-call numbers, each one's history, publishing a new version (now or later), refused
input shown in French with nothing stored, and tenancy (another client's editor, a client
viewer, an agent)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from renfort.services.principals import Role
from tests.conftest import login

ORIGIN = {"Origin": "http://testserver"}
LISTENING = {"label": "Écoute solidaire (test)", "hours": "tous les jours, de 8 h à 22 h",
             "message": "Parlez-en à quelqu'un : Écoute solidaire au 0 800 000 222, "
                        "gratuitement.",
             "source": "https://example.org/ecoute-solidaire",
             "number_label_0": "Écoute solidaire", "number_0": "0 800 000 222",
             "number_kind_0": "tel"}


def _web_login(client: TestClient, username: str, password: str | None = None) -> None:
    reply = client.post("/login", data={"username": username,
                                        "password": password or f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _versions(client: TestClient, key: str) -> list[int]:
    reply = client.get(f"/api/v1/kb/numero-vert/redirects/{key}/versions",
                       headers=login(client, "admin"))
    return [v["version"] for v in reply.json()]


def _in_force(client: TestClient) -> dict[str, dict[str, Any]]:
    reply = client.get("/api/v1/kb/numero-vert/redirects", headers=login(client, "admin"))
    return {e["key"]: e for e in reply.json()}


def test_the_knowledge_page_links_to_the_directory_which_shows_the_four_entries(
        client: TestClient) -> None:
    _web_login(client, "editor")
    articles = client.get("/knowledge").text
    assert 'href="/knowledge/redirects?client=' in articles
    page = client.get("/knowledge/redirects")
    assert page.status_code == 200
    html = page.text
    for key in ("medical_urgent", "suicide", "medical", "psychological"):
        assert f'id="entry-{key}"' in html
    assert 'href="tel:15"' in html and 'href="sms:114"' in html and 'href="tel:3114"' in html
    assert 'href="tel:0800858858"' in html  # Croix-Rouge Écoute, spaces dropped
    assert "Version 0 : numéros nationaux par défaut." in html
    assert "Publier une nouvelle version" in html


def test_an_editor_publishes_a_version_used_at_once_by_the_chat(client: TestClient) -> None:
    _web_login(client, "editor")
    form = client.get("/knowledge/redirects/psychological?client=numero-vert").text
    assert 'name="number_0" ' in form and 'value="0 800 858 858"' in form  # prefilled
    reply = client.post("/knowledge/redirects/psychological?client=numero-vert",
                        headers=ORIGIN, data=LISTENING, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    page = client.get(reply.headers["location"]).text
    assert "Nouvelle version publiée." in page
    assert re.search(r'data-version="1" data-status="in_force"', page)
    assert re.search(r'data-version="0" data-status="superseded"', page)
    assert "editor" in page and 'href="tel:0800000222"' in page
    assert _versions(client, "psychological") == [0, 1]
    entry = _in_force(client)["psychological"]
    assert entry["version"] == 1 and entry["created_by"] == "editor"
    assert entry["numbers"] == [{"label": "Écoute solidaire", "number": "0 800 000 222",
                                 "kind": "tel", "href": "tel:0800000222"}]
    chat = client.post("/api/v1/self-service/conversations",
                       json={"message": "je me sens tellement seule et angoissée"}).json()
    assert chat["redirect"]["key"] == "psychological"
    assert "0 800 000 222" in chat["message"]


def test_a_version_scheduled_for_later_takes_over_at_its_instant(
        client: TestClient, clock: ManualClock) -> None:
    _web_login(client, "editor")
    # 10:00 in Paris now; the new numbers from 14:30
    reply = client.post("/knowledge/redirects/medical?client=numero-vert", headers=ORIGIN,
                        data={**LISTENING, "label": "Médecin de garde (test)",
                              "message": "Contactez votre médecin traitant ; en son absence, "
                                         "le médecin de garde au 0 800 000 333.",
                              "number_label_0": "Médecin de garde", "number_0": "0 800 000 333",
                              "valid_from": "2020-03-17T14:30"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text
    page = client.get("/knowledge/redirects?client=numero-vert").text
    assert "Version 1 programmée : en vigueur à partir du 17/03/2020 14:30." in page
    assert _in_force(client)["medical"]["version"] == 0
    clock.advance(5 * 3600)
    assert _in_force(client)["medical"]["version"] == 1
    page = client.get("/knowledge/redirects/medical?client=numero-vert").text
    assert 'data-version="1" data-status="in_force"' in page


def test_a_version_published_now_overrides_one_scheduled_before_it(
        client: TestClient, clock: ManualClock) -> None:
    _web_login(client, "editor")
    later = {**LISTENING, "valid_from": "2020-03-18T08:00"}
    assert client.post("/knowledge/redirects/psychological?client=numero-vert",
                       headers=ORIGIN, data=later, follow_redirects=False).status_code == 303
    assert "Version 1 programmée" in client.get("/knowledge/redirects").text
    assert client.post("/knowledge/redirects/psychological?client=numero-vert",
                       headers=ORIGIN, data={**LISTENING, "hours": "24 h/24"},
                       follow_redirects=False).status_code == 303
    page = client.get("/knowledge/redirects").text
    assert "Version 1 programmée" not in page
    assert 'data-version="1" data-status="superseded"' in page
    clock.advance(2 * 86400)
    assert _in_force(client)["psychological"]["version"] == 2


def test_bad_input_is_refused_in_french_and_nothing_is_stored(client: TestClient) -> None:
    _web_login(client, "editor")
    reply = client.post("/knowledge/redirects/medical_urgent?client=numero-vert",
                        headers=ORIGIN, data={
                            "label": "S", "hours": "24 h/24", "source": "x",
                            "message": "Nous sommes désolés : vous pouvez appeler le 15.",
                            "number_label_0": "SAMU", "number_0": "15 bis",
                            "number_label_1": "", "number_1": "114",
                            "valid_from": "2020-03-01T08:00"})
    assert reply.status_code == 200
    html = reply.text
    assert "La version n&#39;a pas été publiée ; rien n&#39;a été enregistré." in html
    assert "Nom affiché : entre 2 et 120 caractères." in html
    assert "Numéro 1 — Numéro : chiffres et espaces seulement" in html
    assert "Numéro 2 — Libellé du numéro : entre 1 et 120 caractères." in html
    assert "Source officielle des numéros : entre 5 et 500 caractères." in html
    assert "La date d&#39;entrée en vigueur est passée" in html
    # the form keeps what was typed, and marks the fields
    assert 'value="15 bis"' in html and 'aria-invalid="true"' in html
    assert _versions(client, "medical_urgent") == [0]
    # valid numbers, but an urgent message that does not start with the number to call
    urgent = client.post("/knowledge/redirects/medical_urgent?client=numero-vert",
                         headers=ORIGIN, data={**LISTENING, "message": "Nous sommes "
                                               "désolés : vous pouvez appeler le 15."})
    assert urgent.status_code == 200
    assert "Pour une urgence, le message commence par le numéro à appeler" in urgent.text
    unreadable = client.post("/knowledge/redirects/medical_urgent?client=numero-vert",
                             headers=ORIGIN, data={**LISTENING, "valid_from": "demain"})
    assert unreadable.status_code == 200
    assert "Date et heure d&#39;entrée en vigueur invalides." in unreadable.text
    assert _versions(client, "medical_urgent") == [0]
    assert _in_force(client)["medical_urgent"]["message"].startswith("Appelez le 15")


def test_the_preview_shows_what_the_citizen_gets_or_what_is_wrong(client: TestClient) -> None:
    _web_login(client, "editor")
    urgent = client.post("/knowledge/redirects/medical_urgent/preview", headers=ORIGIN, data={
        **LISTENING, "message": "Appelez le 15 maintenant, le SAMU vous répond.",
        "number_label_0": "SAMU", "number_0": "15"}).text
    assert "urgent-box" in urgent and 'class="call-link call-first" href="tel:15"' in urgent
    wrong = client.post("/knowledge/redirects/medical_urgent/preview", headers=ORIGIN, data={
        **LISTENING, "number_0": "quinze"}).text
    assert "chiffres et espaces seulement" in wrong and "urgent-box" not in wrong
    assert _versions(client, "medical_urgent") == [0]


def test_tenancy_of_the_directory_page(client: TestClient) -> None:
    rt = client.app.state.runtime  # type: ignore[attr-defined]
    rt.auth.create_user("editor-banque", "editor-banque-pw", Role.KNOWLEDGE_EDITOR,
                        client="banque-hermine")
    # another client's editor: the hotline's directory does not exist for them
    _web_login(client, "editor-banque", "editor-banque-pw")
    assert client.get("/knowledge/redirects?client=numero-vert").status_code == 404
    assert client.get("/knowledge/redirects/medical?client=numero-vert").status_code == 404
    refused = client.post("/knowledge/redirects/medical?client=numero-vert", headers=ORIGIN,
                          data=LISTENING, follow_redirects=False)
    assert refused.status_code == 404
    api = login(client, "editor-banque", "editor-banque-pw")
    assert client.put("/api/v1/kb/numero-vert/redirects/medical", headers=api, json={
        "label": "x-label", "numbers": [{"label": "x", "number": "15"}], "hours": "24 h/24",
        "message": "Appelez votre médecin.", "source": "https://example.org"}
    ).status_code == 404
    assert _versions(client, "medical") == [0]
    # their own client's directory is theirs to edit
    own = client.get("/knowledge/redirects").text
    assert "Banque Hermine" in own and "Publier une nouvelle version" in own
    assert client.post("/knowledge/redirects/medical?client=banque-hermine", headers=ORIGIN,
                       data=LISTENING, follow_redirects=False).status_code == 303
    assert _versions(client, "medical") == [0]  # the hotline's is untouched
    # the hotline's client viewer reads, with the history, but may not publish
    _web_login(client, "client-numero-vert")
    page = client.get("/knowledge/redirects").text
    assert "Lecture seule" in page and 'id="entry-suicide"' in page
    assert client.post("/knowledge/redirects/medical?client=numero-vert", headers=ORIGIN,
                       data=LISTENING, follow_redirects=False).status_code == 403
    assert _versions(client, "medical") == [0]
    # an agent does not reach the knowledge pages at all
    _web_login(client, "agent-hotline")
    assert "Page non accessible" in client.get("/knowledge/redirects").text
    # a form posted from another site is refused
    _web_login(client, "editor")
    foreign = client.post("/knowledge/redirects/medical?client=numero-vert",
                          headers={"Origin": "http://evil.example"}, data=LISTENING,
                          follow_redirects=False)
    assert foreign.status_code == 403
    assert _versions(client, "medical") == [0]


def test_the_admin_chooses_the_client_and_an_unknown_entry_is_404(client: TestClient) -> None:
    _web_login(client, "admin")
    page = client.get("/knowledge/redirects?client=onde-telecom").text
    assert "Onde Télécom" in page and 'id="rd-client"' in page
    assert client.get("/knowledge/redirects/nowhere?client=numero-vert").status_code == 404
    assert client.get("/knowledge/redirects?client=no-such-client").status_code == 404


def test_api_refusal_lists_every_problem(client: TestClient) -> None:
    reply = client.put("/api/v1/kb/numero-vert/redirects/suicide",
                       headers=login(client, "editor"), json={
                           "label": "3114", "numbers": [{"label": "3114", "number": "31-14"}],
                           "hours": "24 h/24", "message": "Nous sommes là pour vous aider.",
                           "source": "https://3114.fr"})
    assert reply.status_code == 422
    problems = reply.json()["details"]["problems"]
    assert [(p["field"], p["rule"]) for p in problems] == [("number", "format"),
                                                            ("message", "urgent_first")]
    assert reply.json()["details"]["field"] == "number"
    assert _versions(client, "suicide") == [0]

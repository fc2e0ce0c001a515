"""A refused action says why in French, specifically, and never shows the service's English
detail: the agent desktop, the supervisor wall's API calls, the administration, the planner,
knowledge publishing, sites and reports. The JSON API keeps its English ``detail`` and adds
the stable ``reason`` code (and a French ``text`` only when asked in French)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.conftest import login

HTMX = {"HX-Request": "true"}
SAME_ORIGIN = {"Origin": "http://testserver"}
FRENCH = {**SAME_ORIGIN, "Accept-Language": "fr-FR,fr;q=0.9"}
NAVIGATE = {"Accept": "text/html,application/xhtml+xml"}


def _browser(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _alert(page: str) -> str:
    """The text of the refusal shown (the flash fragment, or a page's error notice)."""
    found = re.findall(r'<p[^>]*class="[^"]*(?:notice error|form-error)[^"]*"[^>]*>(.*?)</p>',
                       page, re.S) or re.findall(r'role="alert"[^>]*>(.*?)</', page, re.S)
    assert found, page[:2000]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", f) for f in found)).strip()


def _says(shown: str, reason: str, *english: str) -> None:
    """French and specific: the reason's sentence, none of the English detail."""
    assert reason in shown, shown
    for words in english:
        assert words not in shown, shown
    assert "(" not in shown.split("—")[0], shown  # no "Titre (English detail)" any more


def test_the_agent_desktop_refuses_in_french(client: TestClient) -> None:
    _browser(client, "agent-hotline")
    no_reason = client.post("/agent/presence", data={"action": "break"}, headers=HTMX)
    _says(_alert(no_reason.text), "Indiquez le motif de la pause", "choose the reason")

    first = client.post("/agent/presence", data={"action": "login"}, headers=HTMX)
    assert first.status_code == 200
    twice = client.post("/agent/presence", data={"action": "login"}, headers=HTMX)
    _says(_alert(twice.text), "Le conseiller est déjà connecté", "already logged in")

    unknown = client.post("/agent/contacts/no-such-contact/accept", headers=HTMX)
    _says(_alert(unknown.text), "Ce contact n'existe pas", "no such contact")

    seats = client.get("/api/v1/sites/atlantique-nantes/seats",
                       headers=login(client, "manager-atlantique")).json()
    blocked = next(s["seat_id"] for s in seats if not s["usable"])
    refused = client.post("/agent/seat", data={"action": "take", "seat": blocked}, headers=HTMX)
    _says(_alert(refused.text), f"La place {blocked} est condamnée par la règle de "
          "distanciation", "is blocked")

    free = next(s["seat_id"] for s in seats if s["usable"] and not s["occupied"])
    assert client.post("/agent/seat", data={"action": "take", "seat": free}).status_code == 200
    again = client.post("/agent/seat", data={"action": "take", "seat": free}, headers=HTMX)
    _says(_alert(again.text), "doit d'abord libérer sa place", "check out first")
    client.post("/agent/seat", data={"action": "leave"})

    missing = client.post("/agent/presence", data={}, headers={**HTMX, **SAME_ORIGIN})
    assert missing.status_code == 200 and missing.headers["HX-Retarget"] == "#flash"
    _says(_alert(missing.text), "« Action » : à remplir", "Field required")


def test_the_wall_gets_a_french_text_from_the_api(client: TestClient) -> None:
    agents = client.get("/api/v1/agents", headers=login(client, "admin")).json()
    outsourcers = {o["id"]: o["slug"] for o in
                   client.get("/api/v1/outsourcers", headers=login(client, "admin")).json()}
    other = next(a for a in agents if outsourcers[a["outsourcer_id"]] != "atlantique")
    own = next(a for a in agents if outsourcers[a["outsourcer_id"]] == "atlantique")
    _browser(client, "sup-atlantique")

    foreign = client.put(f"/api/v1/agents/{other['id']}/state", headers=FRENCH,
                         json={"state": "break", "reason": "Repas"})
    assert foreign.status_code in (403, 404)
    body = foreign.json()
    assert body["reason"] in ("other-outsourcer-agent", "agent-unknown")
    assert body["text"].startswith(("Vous n'avez pas le droit", "Introuvable"))
    assert "conseiller" in body["text"] and body["detail"] not in body["text"]

    out = client.post(f"/api/v1/agents/{own['id']}/logout", headers=FRENCH)
    if out.status_code == 200:  # logged in by the demo: the second one is refused
        out = client.post(f"/api/v1/agents/{own['id']}/logout", headers=FRENCH)
    assert out.status_code == 409 and out.json()["reason"] == "already-logged-out"
    assert out.json()["text"] == ("Impossible dans votre état actuel — Le conseiller est déjà "
                                  "déconnecté.")

    english = client.post(f"/api/v1/agents/{own['id']}/logout", headers=SAME_ORIGIN).json()
    assert "text" not in english and english["detail"] == "the agent is already logged out"
    assert english["reason"] == "already-logged-out" and english["title"] == "Conflict"

    bad = client.put(f"/api/v1/agents/{own['id']}/state", headers=FRENCH,
                     json={"state": "asleep"})
    assert bad.status_code == 422 and "Input should be" in bad.json()["detail"]
    assert bad.json()["text"] == "Saisie invalide — « État » : choisissez une valeur de la liste."


def test_the_administration_refuses_in_french(client: TestClient) -> None:
    _browser(client, "admin")
    clients = client.get("/api/v1/clients", headers=login(client, "admin")).json()
    taken = clients[0]["slug"]
    duplicate = client.post("/admin/clients", headers=SAME_ORIGIN, data={
        "slug": taken, "name": "Doublon", "sector": "other", "public": "false"})
    _says(_alert(duplicate.text), "Un élément existe déjà avec ce code", "clashes with",
          "duplicate slug")

    outsourcer = client.get("/api/v1/outsourcers", headers=login(client, "admin")).json()[0]
    seats = client.post("/admin/sites", headers=SAME_ORIGIN, data={
        "slug": "site-essai", "name": "Site d'essai", "outsourcer": outsourcer["id"],
        "seats": "beaucoup"})
    _says(_alert(seats.text), "« Places » : un nombre entier est attendu", "valid integer")

    queue = client.post("/admin/queues", headers=SAME_ORIGIN, data={
        "slug": "file-essai", "client": clients[0]["id"], "name": "File d'essai",
        "channels": "voice", "skill": "general", "sl_target": "2", "sl_seconds": "60",
        "telework": "allowed", "public": "false"})
    _says(_alert(queue.text), "« Objectif de niveau de service (0 à 1) » : au plus 1",
          "less than or equal")

    section = client.get("/admin/nothing", headers={**NAVIGATE, **SAME_ORIGIN})
    assert section.status_code == 422 and "text/html" in section.headers["content-type"]
    _says(_alert(section.text), "Cette rubrique n'existe pas", "unknown section")


def test_the_planner_refuses_a_bad_number_in_french(client: TestClient) -> None:
    _browser(client, "manager-atlantique")
    sample = client.get("/planner/sample.csv").text
    options = client.post("/planner/staffing", headers=SAME_ORIGIN, data={
        "forecast_csv": sample, "service_level": "beaucoup", "within": "60"})
    _says(_alert(options.text), "« Niveau de service visé (0 à 1) » : un nombre est attendu",
          "could not convert", "not a number")

    shrinkage = client.post("/planner/staffing", headers=SAME_ORIGIN, data={
        "forecast_csv": sample, "service_level": "0.8", "within": "60", "shrinkage": "1.5"})
    _says(_alert(shrinkage.text), "« Taux d'indisponibilité (0 à 0,95) » : un nombre "
          "inférieur à 1 est attendu", "less than")

    replications = client.post("/planner/simulate", headers={**SAME_ORIGIN, **NAVIGATE}, data={
        "plan_csv": "queue,interval_start,agents\n", "replications": "cinq"})
    assert replications.status_code == 422
    _says(_alert(replications.text), "« Journées simulées » : un nombre entier est attendu",
          "valid integer")

    empty = client.post("/planner/simulate", headers=SAME_ORIGIN, data={
        "plan_csv": "queue,interval_start,agents\n"})
    shown = _alert(empty.text)
    assert "Saisie invalide —" in shown and "header" not in shown and "rows" not in shown


def test_knowledge_sites_and_reports_refuse_in_french(client: TestClient) -> None:
    _browser(client, "editor")
    published = client.post("/knowledge/a/rassemblements/publish?client=numero-vert",
                            headers=SAME_ORIGIN, data={"version": "1"})
    _says(_alert(published.text), "Seul un brouillon peut être publié", "only a draft")

    _browser(client, "manager-atlantique")
    seats = client.get("/api/v1/sites/atlantique-nantes/seats",
                       headers=login(client, "manager-atlantique")).json()
    blocked = next(s["seat_id"] for s in seats if not s["usable"])
    agents = client.get("/api/v1/agents", headers=login(client, "manager-atlantique")).json()
    seated = client.post("/sites/atlantique-nantes/checkin", headers=SAME_ORIGIN,
                         data={"agent": agents[0]["id"], "seat": blocked})
    _says(_alert(seated.text), "est condamnée par la règle de distanciation", "is blocked")

    _browser(client, "client-numero-vert")
    report = client.get("/reports", params={"from": "2020-03-20", "to": "2020-03-01"}).text
    _says(_alert(report), "La fin de la période vient avant son début", "comes before")

    client.cookies.clear()  # a citizen on the public chat
    client.post("/chat/messages", data={"message": "Faut-il une attestation ?"})
    number = client.post("/chat/callback", headers=SAME_ORIGIN, data={"number": "pas de numéro"})
    _says(_alert(number.text), "Indiquez un numéro de téléphone à rappeler",
          "give a phone number")


def test_a_refusal_without_a_reason_shows_the_french_title_only() -> None:
    from renfort.domain.errors import ConflictError
    from renfort.web.refusals import error_text

    shown = error_text(ConflictError("something English went wrong", {}))
    assert shown == "Impossible dans l'état actuel"
    missing_value = error_text(ConflictError("seat taken", {}, reason="seat-taken"))
    assert missing_value == "Impossible dans l'état actuel"  # no {seat}: the title, no crash

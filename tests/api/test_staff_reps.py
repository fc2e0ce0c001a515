"""Staff representatives: read the register, write consultations dated by the server, see
exposure-search counts without names; the daily checklist flags missed days; measures the
system enforces take their status from facts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from tests.conftest import login

SITE = "atlantique-nantes"
MINUTES = {"participants": ["Élus CSE", "Direction"], "minutes": "Point quotidien : RAS.",
           "opinion": "favorable"}


def test_a_representative_reads_the_register_and_writes_a_consultation(
        client: TestClient) -> None:
    rep = login(client, "rep-atlantique")
    register = client.get(f"/api/v1/sites/{SITE}/measures", headers=rep)
    assert register.status_code == 200 and register.json()["measures"]
    assert client.get(f"/api/v1/sites/{SITE}/measures/history", headers=rep).status_code == 200
    assert client.get(f"/api/v1/sites/{SITE}/occupancy", headers=rep).status_code == 200
    done = client.post(f"/api/v1/sites/{SITE}/consultations", headers=rep, json=MINUTES)
    assert done.status_code == 201, done.text
    assert done.json()["held_on"] == "2020-03-17" and done.json()["late"] is False
    listed = client.get(f"/api/v1/sites/{SITE}/consultations", headers=rep).json()
    assert listed[0]["minutes"] == "Point quotidien : RAS."
    # Read-only elsewhere: no seating, no register change, no contacts, no other outsourcer.
    assert client.post(f"/api/v1/sites/{SITE}/checkins", headers=rep,
                       json={"agent": "me", "seat": "S1"}).status_code == 403
    assert client.post(f"/api/v1/sites/{SITE}/measures/changes", headers=rep, json={
        "consultation": {"held_on": "2020-03-17", "participants": ["CSE"],
                         "opinion": "favorable", "decision": "appliquer"},
        "changes": [{"measure": "masques", "status": "in_place",
                     "evidence": "stock"}]}).status_code == 403
    assert client.get("/api/v1/contacts", headers=rep).json() == []
    assert client.get("/api/v1/sites/azur-marseille/measures", headers=rep).status_code == 404


def test_past_days_only_as_marked_late_entries(client: TestClient) -> None:
    rep = login(client, "rep-atlantique")
    path = f"/api/v1/sites/{SITE}/consultations"
    old = client.post(path, headers=rep, json={**MINUTES, "held_on": "2020-02-16"})
    assert old.status_code == 422 and "late" in old.text
    future = client.post(path, headers=rep, json={**MINUTES, "held_on": "2020-03-18",
                                                  "late": True})
    assert future.status_code == 422
    late = client.post(path, headers=rep, json={**MINUTES, "held_on": "2020-03-16",
                                                "late": True})
    assert late.status_code == 201 and late.json()["late"] is True
    assert [c["late"] for c in client.get(path, headers=rep).json()][:1] == [True]


def test_the_daily_checklist_flags_a_missed_day_to_the_manager(
        client: TestClient, clock: ManualClock) -> None:
    rep = login(client, "rep-atlantique")
    manager = login(client, "manager-atlantique")
    client.post(f"/api/v1/sites/{SITE}/consultations", headers=rep, json=MINUTES)
    today = client.get(f"/api/v1/sites/{SITE}/consultations/checklist", headers=rep).json()
    assert today["today_held"] is True
    clock.advance(2 * 86_400)  # nobody consulted on the 18th; the 19th is not over yet
    manager = login(client, "manager-atlantique")  # a new day, a new session
    later = client.get(f"/api/v1/sites/{SITE}/consultations/checklist", headers=manager).json()
    assert later["today_held"] is False and "2020-03-18" in later["missed"]
    assert "2020-03-17" not in later["missed"]
    flagged = {s["site"]: s for s in client.get("/api/v1/consultations/missed",
                                                headers=manager).json()}
    assert "2020-03-18" in flagged[SITE]["missed"]


def test_exposure_counts_without_names(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    rep = login(client, "rep-atlantique")
    agent = client.get("/api/v1/agents", headers=manager).json()[0]
    assert client.post(f"/api/v1/sites/{SITE}/exposure", headers=manager,
                       json={"agent": agent["id"]}).status_code == 200
    counts = client.get(f"/api/v1/sites/{SITE}/exposure-counts", headers=rep)
    assert counts.status_code == 200 and counts.json()["searches"] == 1
    assert agent["id"] not in counts.text and agent["name"] not in counts.text
    assert client.get(f"/api/v1/sites/{SITE}/exposure-traces", headers=rep).status_code == 403
    assert client.post(f"/api/v1/sites/{SITE}/exposure", headers=rep,
                       json={"agent": agent["id"]}).status_code == 403


def test_measure_statuses_follow_the_distancing_rule(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    typed = client.post(f"/api/v1/sites/{SITE}/measures/changes", headers=manager, json={
        "consultation": {"held_on": "2020-03-17", "participants": ["CSE"],
                         "opinion": "favorable", "decision": "appliquer"},
        "changes": [{"measure": "distance-postes", "status": "in_place",
                     "evidence": "plan affiché"}]})
    assert typed.status_code == 201, typed.text
    relaxed = client.put(f"/api/v1/sites/{SITE}/distancing", headers=manager,
                         json={"min_distance": 1.0, "time_limit": 0})
    assert relaxed.status_code == 200, relaxed.text
    measures = {m["code"]: m for m in client.get(f"/api/v1/sites/{SITE}/measures",
                                                 headers=manager).json()["measures"]}
    distance = measures["distance-postes"]
    assert (distance["status"], distance["source"], distance["typed_status"]) == (
        "adapted", "facts", "in_place")
    assert distance["contradicted"] is True and "1 m" in distance["because"]
    assert measures["masques"]["source"] == "typed"


def test_the_site_page_for_a_representative(client: TestClient) -> None:
    reply = client.post("/login", data={"username": "rep-atlantique",
                                        "password": "rep-atlantique-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303
    overview = client.get("/sites").text
    assert "Consultations quotidiennes manquées" in overview and SITE in overview
    page = client.get(f"/sites/{SITE}").text
    assert "Consultation du jour pas encore tenue" in page and 'id="consult-form"' in page
    assert 'id="checkin-form"' not in page and 'id="trace-form"' not in page
    done = client.post(f"/sites/{SITE}/consultations", data={
        "participants": "Élus CSE, Direction", "minutes": "Masques reçus.", "opinion": "ok"},
        follow_redirects=True)
    assert "Consultation du jour tenue" in done.text and "Masques reçus." in done.text
    late = client.post(f"/sites/{SITE}/consultations", data={
        "participants": "CSE", "minutes": "Oubli", "held_on": "2020-03-15"})
    assert "late" in late.text  # refused without the late-entry box: nothing stored

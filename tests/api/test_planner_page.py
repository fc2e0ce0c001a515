"""The planner page chains the four steps in forms: history → forecast → staffing → shifts
→ replay on the real agents; each result downloads as CSV; a plan is saved and reopened."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from renfort.demo.history import demo_history
from renfort.domain.clock import to_datetime
from tests.conftest import T0


def _browser_login(client: TestClient, username: str) -> None:
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _hidden(page: str, form_id: str) -> dict[str, str]:
    form = page[page.index(f'id="{form_id}"'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form)}


def test_the_four_steps_then_save(client: TestClient) -> None:
    _browser_login(client, "manager-atlantique")
    start = client.get("/planner")
    assert start.status_code == 200 and "1. Prévision de trafic" in start.text
    sample = client.get("/planner/history-sample.csv")
    assert sample.text.startswith("queue,interval_start")
    today = to_datetime(T0).date()
    assert sample.text == demo_history(today)
    page = client.post("/planner/forecast", data={
        "start": today.isoformat(), "days": "1", "country": "FR",
        "timezone": "Europe/Paris"}, files={
        "history": ("historique.csv", sample.text, "text/csv"),
        "events": ("annonces.csv", f"at,kind\n{today}T20:00:00+01:00,allocution\n",
                   "text/csv")}).text
    assert 'id="forecast-result"' in page, page[:3000]
    assert "Annonces « allocution »" in page
    page = client.post("/planner/staffing", data={
        **_hidden(page, "plan-form"), "model": "erlang-a", "service_level": "0.8",
        "within": "60", "shrinkage": "0.1"}).text
    assert 'id="staffing-table"' in page and 'id="schedule-form"' in page
    page = client.post("/planner/schedule", data={
        **_hidden(page, "schedule-form"), "seat_cap": "", "home_share": "0.3",
        "pools": "separate", "time_limit": "5"}).text
    assert 'id="schedule-result"' in page, page[:2000]
    assert "atlantique-nantes" in page and "nordcom-lille" not in page
    page = client.post("/planner/replay", data={
        **_hidden(page, "replay-form"), "replications": "2", "seed": "1"}).text
    assert 'id="replay-table"' in page
    assert "conseillers réels" in page
    carried = _hidden(page, "save-form")
    assert all(carried[k] for k in ("forecast_csv", "plan_csv", "shifts_csv",
                                    "coverage_csv", "replay_csv"))
    download = client.post("/planner/download", data={"name": "shifts",
                                                      "content": carried["shifts_csv"]})
    assert download.headers["content-disposition"].endswith('"horaires.csv"')
    saved = client.post("/planner/save", data={**carried, "name": "Lendemain d'allocution"},
                        follow_redirects=False)
    assert saved.status_code == 303
    listing = client.get(saved.headers["location"]).text
    assert "Plan enregistré." in listing and "Lendemain d&#39;allocution" in listing
    plan_id = re.search(r"/planner/saved/([0-9a-f]+)/shifts\.csv", listing)
    assert plan_id is not None
    assert client.get(f"/planner/saved/{plan_id.group(1)}/shifts.csv").text == \
        carried["shifts_csv"]
    deleted = client.post(f"/planner/saved/{plan_id.group(1)}/delete",
                          follow_redirects=False)
    assert deleted.status_code == 303
    assert "Aucun plan enregistré." in client.get("/planner").text


def test_a_client_viewer_schedules_under_a_seat_cap_and_sees_mistakes(
        client: TestClient) -> None:
    _browser_login(client, "client-numero-vert")
    page = client.post("/planner/staffing", data={
        "model": "erlang-c", "service_level": "0.8", "within": "60", "shrinkage": "0"},
        files={"file": ("prevision.csv", client.get("/planner/sample.csv").text,
                        "text/csv")}).text
    assert 'id="schedule-form"' in page
    page = client.post("/planner/schedule", data={
        **_hidden(page, "schedule-form"), "seat_cap": "12", "home_share": "0",
        "pools": "shared", "time_limit": "5"}).text
    assert 'id="schedule-shortfall"' in page and "Manque" in page
    assert 'id="replay-form"' not in page
    bad = client.post("/planner/schedule", data={
        **_hidden(page, "schedule-form"), "seat_cap": "12", "home_share": "3"}).text
    assert 'id="planner-error"' in bad and "entre 0 et 1" in bad
    bad = client.post("/planner/forecast", data={"start": "demain"},
                      files={"history": ("h.csv", "queue\n", "text/csv")}).text
    assert 'id="planner-error"' in bad

"""POST /api/v1/plans/forecast | backtest | schedule | replay: the chain over HTTP, in the
caller's tenant; bad files are 422 naming line and column."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from fastapi.testclient import TestClient

from renfort.demo.history import demo_history
from tests.conftest import login

TODAY = date(2020, 3, 17)


@pytest.fixture(scope="module")
def history() -> str:
    return demo_history(TODAY)


def _forecast(client: TestClient, headers: dict[str, str], history: str, **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/plans/forecast", headers=headers, json={
        "history": history, "start": "2020-03-17", "days": 1, **extra})


def test_forecast_as_json_and_as_csv(client: TestClient, history: str) -> None:
    headers = login(client, "client-numero-vert")
    reply = _forecast(client, headers, history, events="at,kind\n"
                      "2020-03-16T20:00:00+01:00,allocution\n")
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert report["days"] == ["2020-03-17"]
    assert {r["queue"] for r in report["rows"]} == {"hotline-general", "hotline-travel",
                                                    "hotline-business"}
    assert report["surges"][0]["kind"] == "allocution"
    assert max(r["surge"] for r in report["rows"]) > 1.5
    as_csv = client.post("/api/v1/plans/forecast?format=csv", headers=headers, json={
        "history": history, "start": "2020-03-17"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.startswith("queue,interval_start,interval_minutes,volume,")


def test_a_bad_history_is_a_422_with_its_line(client: TestClient, history: str) -> None:
    headers = login(client, "sup-nordcom")
    lines = history.splitlines()
    lines[3] = lines[3].replace(",30,", ",thirty,", 1)
    reply = _forecast(client, headers, "\n".join(lines))
    assert reply.status_code == 422
    assert reply.json()["details"] == {"line": 4, "column": "interval_minutes"}
    assert client.post("/api/v1/plans/forecast", headers=headers,
                       json={"history": "x"}).status_code == 422


def test_agents_cannot_plan(client: TestClient, history: str) -> None:
    reply = _forecast(client, login(client, "agent-hotline"), history)
    assert reply.status_code == 403


def test_backtest(client: TestClient, history: str) -> None:
    reply = client.post("/api/v1/plans/backtest", headers=login(client, "admin"),
                        json={"history": history, "horizon": 7, "origins": 2})
    assert reply.status_code == 200, reply.text
    assert len(reply.json()["by_horizon"]) == 7


def _staffing(client: TestClient, headers: dict[str, str], history: str) -> str:
    forecast = _forecast(client, headers, history).json()
    rows = [{k: r[k] for k in ("queue", "interval_start", "interval_minutes", "volume",
                               "aht_seconds", "patience_seconds")} for r in forecast["rows"]]
    plan = client.post("/api/v1/plans/staffing", headers=headers,
                       json={"options": {"shrinkage": 0.1}, "rows": rows}).json()
    columns = ["queue", "interval_start", "interval_minutes", "volume", "aht_seconds",
               "agents", "scheduled_heads"]
    lines = [",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in plan["rows"]]
    return "\n".join(lines) + "\n"


def test_schedule_on_given_sites_keeps_each_within_its_seats(client: TestClient,
                                                             history: str) -> None:
    headers = login(client, "sup-azur")
    staffing = _staffing(client, headers, history)
    reply = client.post("/api/v1/plans/schedule", headers=headers, json={
        "staffing": staffing, "sites": [{"site": "a", "seats": 20}, {"site": "b", "seats": 10}],
        "home_share": 0.2, "time_limit": 5})
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert all(u["heads"] <= u["seats"] for u in report["seats"])
    assert {s["location"] for s in report["shifts"]} <= {"a", "b", "home"}
    assert report["summary"]["home_hours"] <= 0.2 * report["summary"]["agent_hours"] + 1e-9
    shifts = client.post("/api/v1/plans/schedule?format=shifts.csv", headers=headers, json={
        "staffing": staffing, "seat_cap": 15, "time_limit": 3})
    assert shifts.status_code == 200
    assert next(csv.reader(shifts.text.splitlines()))[0] == "shift"


def test_a_manager_schedules_and_replays_on_their_own_sites_and_agents(
        client: TestClient, history: str) -> None:
    headers = login(client, "manager-atlantique")
    staffing = _staffing(client, headers, history)
    reply = client.post("/api/v1/plans/schedule?format=shifts.csv", headers=headers, json={
        "staffing": staffing, "federation": True, "home_share": 0.3, "time_limit": 5})
    assert reply.status_code == 200, reply.text
    places = {r["location"] for r in csv.DictReader(reply.text.splitlines())}
    assert places <= {"atlantique-nantes", "atlantique-poitiers", "home"}
    forecast = client.post("/api/v1/plans/forecast?format=csv", headers=headers, json={
        "history": history, "start": "2020-03-17"}).text
    replay = client.post("/api/v1/plans/replay", headers=headers, json={
        "forecast": forecast, "schedule": reply.text, "replications": 2})
    assert replay.status_code == 200, replay.text
    staffed = replay.json()["staffing"]
    assert set(staffed["by_outsourcer"]) == {"atlantique"}
    assert staffed["filled"] > 0
    assert {q["queue"] for q in replay.json()["queues"]} == {
        "hotline-general", "hotline-travel", "hotline-business"}


def test_the_federation_is_not_for_clients_and_bad_files_change_nothing(
        client: TestClient, history: str) -> None:
    viewer = login(client, "client-numero-vert")
    assert client.post("/api/v1/plans/replay", headers=viewer, json={
        "forecast": "x", "schedule": "y"}).status_code == 403
    staffing = _staffing(client, viewer, history)
    assert client.post("/api/v1/plans/schedule", headers=viewer, json={
        "staffing": staffing, "federation": True}).status_code == 403
    admin = login(client, "admin")
    reply = client.post("/api/v1/plans/replay", headers=admin, json={
        "forecast": "queue,interval_start\n", "schedule": "shift\n"})
    assert reply.status_code == 422
    reply = client.post("/api/v1/plans/schedule", headers=admin, json={
        "staffing": staffing, "federation": True, "seat_cap": 3})
    assert reply.status_code == 422
    reply = client.post("/api/v1/plans/schedule", headers=admin, json={
        "staffing": staffing, "rules": "templates: [{name: x, hours: 30}]"})
    assert reply.status_code == 422 and "templates.0.hours" in reply.json()["detail"]

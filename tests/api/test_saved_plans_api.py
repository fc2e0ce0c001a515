"""/api/v1/plans/saved: a plan's files kept per tenant, listed, downloaded and deleted."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login

FORECAST = ("queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
            "hotline-general,2020-03-18T08:00:00+01:00,30,120,300,180\n")
SHIFTS = ("shift,template,pool,queues,location,start,end,breaks\n"
          "S0001,4h,hotline-general,hotline-general,home,2020-03-18T08:00:00+01:00,"
          "2020-03-18T12:00:00+01:00,09:30/15\n")


def test_a_plan_is_kept_for_its_tenant_only(client: TestClient) -> None:
    atlantique = login(client, "manager-atlantique")
    created = client.post("/api/v1/plans/saved", headers=atlantique, json={
        "name": "Allocution du 16 mars", "forecast": FORECAST, "shifts": SHIFTS,
        "summary": {"agent_hours": 4}})
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["files"] == ["forecast", "shifts"] and plan["first_day"] == "2020-03-18"
    assert plan["created_by"] == "manager-atlantique"
    supervisor = login(client, "sup-atlantique")
    assert [p["id"] for p in client.get("/api/v1/plans/saved", headers=supervisor).json()] \
        == [plan["id"]]
    got = client.get(f"/api/v1/plans/saved/{plan['id']}/shifts.csv", headers=supervisor)
    assert got.status_code == 200 and got.text == SHIFTS
    assert client.get(f"/api/v1/plans/saved/{plan['id']}/coverage.csv",
                      headers=supervisor).status_code == 404
    other = login(client, "manager-nordcom")
    assert client.get("/api/v1/plans/saved", headers=other).json() == []
    assert client.get(f"/api/v1/plans/saved/{plan['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/plans/saved/{plan['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/plans/saved/{plan['id']}",
                         headers=supervisor).status_code == 403
    admin = login(client, "admin")
    assert client.get(f"/api/v1/plans/saved/{plan['id']}", headers=admin).status_code == 200
    assert client.delete(f"/api/v1/plans/saved/{plan['id']}",
                         headers=atlantique).status_code == 204
    assert client.get("/api/v1/plans/saved", headers=admin).json() == []


def test_bad_plans_are_refused_and_nothing_is_kept(client: TestClient) -> None:
    viewer = login(client, "client-numero-vert")
    for body in ({"name": "vide"}, {"name": " ", "forecast": FORECAST},
                 {"name": "x", "forecast": "not a csv"},
                 {"name": "x", "forecast": FORECAST, "extra": 1}):
        assert client.post("/api/v1/plans/saved", headers=viewer,
                           json=body).status_code == 422
    assert client.get("/api/v1/plans/saved", headers=viewer).json() == []
    assert client.post("/api/v1/plans/saved", headers=login(client, "agent-hotline"),
                       json={"name": "x", "forecast": FORECAST}).status_code == 403
    kept = client.post("/api/v1/plans/saved", headers=viewer,
                       json={"name": "client", "forecast": FORECAST})
    assert kept.status_code == 201 and kept.json()["client_id"] is not None

"""POST /api/v1/plans/staffing: the same forecast as JSON, as an upload or as text/csv."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login

CSV = (
    "queue,interval_start,interval_minutes,volume,aht_seconds,patience_seconds\n"
    "hotline,2020-03-17T08:00:00+01:00,30,300,360,180\n"
    "hotline,2020-03-17T08:30:00+01:00,30,900,360,180\n"
    "hotline,2020-03-17T09:00:00+01:00,30,0,360,180\n"
)


def test_same_plan_from_json_upload_and_csv(client: TestClient) -> None:
    headers = login(client, "sup-nordcom")
    rows = [dict(zip(CSV.splitlines()[0].split(","), line.split(","), strict=True))
            for line in CSV.splitlines()[1:]]
    as_json = client.post("/api/v1/plans/staffing", headers=headers, json={
        "options": {"model": "erlang-a", "shrinkage": 0.3}, "rows": rows})
    assert as_json.status_code == 200, as_json.text
    upload = client.post("/api/v1/plans/staffing", headers=headers,
                         files={"file": ("forecast.csv", CSV, "text/csv")},
                         data={"options": '{"model": "erlang-a", "shrinkage": 0.3}'})
    raw = client.post("/api/v1/plans/staffing?model=erlang-a&shrinkage=0.3",
                      headers={**headers, "Content-Type": "text/csv"}, content=CSV)
    plans = [r.json() for r in (as_json, upload, raw)]
    agents = [[row["agents"] for row in plan["rows"]] for plan in plans]
    assert agents[0] == agents[1] == agents[2]
    first, second, empty = plans[0]["rows"]
    assert second["agents"] > first["agents"] > 0 and empty["agents"] == 0
    assert first["scheduled_heads"] >= first["agents"] / 0.7
    assert plans[0]["targets"]["max_abandon"] == 0.05


def test_bad_row_names_its_line_and_column(client: TestClient) -> None:
    headers = login(client, "sup-nordcom")
    bad = CSV.replace("900,360", "lots,360")
    reply = client.post("/api/v1/plans/staffing", headers=headers,
                        files={"file": ("forecast.csv", bad, "text/csv")})
    assert reply.status_code == 422
    assert reply.json()["details"]["line"] == 3
    assert reply.json()["details"]["column"] == "volume"


def test_agents_cannot_plan(client: TestClient) -> None:
    reply = client.post("/api/v1/plans/staffing", headers=login(client, "agent-hotline"),
                        files={"file": ("forecast.csv", CSV, "text/csv")})
    assert reply.status_code == 403

"""POST /api/v1/simulations: a scenario or a staffing plan, planners only, size-capped."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import login
from tests.unit.simulation.builders import single_queue

PLAN = (Path(__file__).resolve().parents[1] / "scenarios" / "evening_plan.csv").read_text()


def test_scenario_and_plan_give_reports(client: TestClient) -> None:
    headers = login(client, "sup-nordcom")
    doc = single_queue(agents=4, calls_per_hour=40, patience=180, hours=4)
    reply = client.post("/api/v1/simulations", headers=headers,
                        json={"scenario": doc, "replications": 3, "seed": 2})
    assert reply.status_code == 200, reply.text
    (queue,) = reply.json()["queues"]
    assert queue["queue"] == "hotline" and len(queue["intervals"]) == 4
    assert queue["ci95"]["service_level"] is not None
    as_json = client.post("/api/v1/simulations", headers=headers,
                          json={"staffing_plan": PLAN, "replications": 2})
    as_csv = client.post("/api/v1/simulations?replications=2", content=PLAN,
                         headers={**headers, "Content-Type": "text/csv"})
    assert as_json.status_code == as_csv.status_code == 200, as_csv.text
    assert as_json.json()["queues"] == as_csv.json()["queues"]


def test_bad_scenario_names_its_field(client: TestClient) -> None:
    doc = single_queue(agents=4, calls_per_hour=40, hours=4)
    doc["queues"][0]["handle_time"]["mean"] = 0
    reply = client.post("/api/v1/simulations", headers=login(client, "admin"),
                        json={"scenario": doc})
    assert reply.status_code == 422
    assert reply.json()["detail"].startswith("queues[0].handle_time.mean:")
    both = client.post("/api/v1/simulations", headers=login(client, "admin"),
                       json={"scenario": doc, "staffing_plan": PLAN})
    assert both.status_code == 422


def test_too_large_is_refused_before_running(client: TestClient) -> None:
    doc = single_queue(agents=4, calls_per_hour=100_000, hours=24)
    reply = client.post("/api/v1/simulations", headers=login(client, "manager-azur"),
                        json={"scenario": doc, "replications": 10})
    assert reply.status_code == 422
    assert "too large" in reply.json()["detail"]


def test_agents_and_clients_cannot_simulate(client: TestClient) -> None:
    doc = single_queue(agents=4, calls_per_hour=40, hours=4)
    for user in ("agent-hotline", "client-numero-vert"):
        reply = client.post("/api/v1/simulations", headers=login(client, user),
                            json={"scenario": doc})
        assert reply.status_code == 403, user

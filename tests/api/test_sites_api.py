"""Sites under distancing through the API: plan, capacity, rule changes, check-in/out,
occupancy, exposure tracing, and who may see what."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from renfort.domain.clock import ManualClock
from renfort.services.principals import Principal, Role
from tests.conftest import login

SITE = "atlantique-poitiers"
OTHER_SITE = "nordcom-lille"
# Two rows of six seats 1 m apart, the rows 3 m apart: 3 usable per row at 1.5 m.
PLAN = "seat_id,x,y,zone,equipment\n" + "".join(
    f"P-{row}{i},{i}.0,{3 * r}.0,plateau,{'pmr' if i == 0 else ''}\n"
    for r, row in enumerate("ab") for i in range(6))


def _import(client: TestClient, headers: dict[str, str]) -> dict[str, object]:
    reply = client.put(f"/api/v1/sites/{SITE}/seats", headers={
        **headers, "Content-Type": "text/csv"}, content=PLAN)
    assert reply.status_code == 200, reply.text
    body: dict[str, object] = reply.json()
    return body


def _agents(client: TestClient, n: int) -> list[str]:
    agents = client.get("/api/v1/agents", headers=login(client, "manager-atlantique")).json()
    return [a["id"] for a in agents][:n]


def test_demo_sites_have_plans_capacities_and_svg(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    overview = client.get("/api/v1/occupancy", headers=manager).json()
    assert {s["slug"] for s in overview} == {"atlantique-nantes", "atlantique-poitiers"}
    for site in overview:
        assert 0 < site["capacity"] < site["seats"] and site["alert"] is False
    capacity = client.get("/api/v1/sites/atlantique-nantes/capacity", headers=manager).json()
    assert capacity["count"] == len(capacity["usable_seats"]) <= capacity["bound"]
    assert capacity["seats"] == 220 and capacity["rule"]["min_distance"] == 1.5
    svg = client.get("/api/v1/sites/atlantique-nantes/plan.svg", headers=manager)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count('class="seat usable"') == capacity["count"]
    assert len(client.get("/api/v1/occupancy", headers=login(client, "admin")).json()) == 6


def test_import_then_tighter_rule_flags_shifts_and_occupancy(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    imported = _import(client, manager)
    assert imported["seats"] == 12 and imported["count"] == 6 and imported["optimal"] is True
    seats = client.get(f"/api/v1/sites/{SITE}/seats", headers=manager).json()
    assert seats[0]["equipment"] == ["pmr"]
    usable = [s["seat_id"] for s in seats if s["usable"]]
    shift = client.post(f"/api/v1/sites/{SITE}/shifts", headers=login(client, "sup-atlantique"),
                        json={"label": "matin", "starts_at": "2020-03-18T07:00:00+00:00",
                              "ends_at": "2020-03-18T13:00:00+00:00", "planned": 5})
    assert shift.status_code == 201 and shift.json()["over_capacity"] is False
    for agent, seat in zip(_agents(client, 5), usable, strict=False):
        reply = client.post(f"/api/v1/sites/{SITE}/checkins", headers=manager,
                            json={"agent": agent, "seat": seat})
        assert reply.status_code == 201, reply.text
    tighter = client.put(f"/api/v1/sites/{SITE}/distancing", headers=manager,
                         json={"min_distance": 2.5})
    assert tighter.status_code == 200, tighter.text
    body = tighter.json()
    assert body["count"] == 4 and body["rule"]["min_distance"] == 2.5
    assert [s["planned"] for s in body["shifts_over_capacity"]] == [5]
    assert body["occupancy"]["over_capacity"] is True and body["occupancy"]["alert"] is True
    live = client.get(f"/api/v1/sites/{SITE}/occupancy", headers=manager).json()
    assert live["occupied"] == 5 and live["capacity"] == 4 and live["alert"] is True
    assert client.get(f"/api/v1/sites/{SITE}/shifts",
                      headers=manager).json()[0]["over_capacity"] is True
    rows = client.put(f"/api/v1/sites/{SITE}/distancing", headers=manager,
                      json={"no_min_distance": True, "free_seat_between": True}).json()
    assert rows["count"] == 6 and rows["rule"]["min_distance"] is None


def test_check_in_rules_and_cleaning_interval(client: TestClient, clock: ManualClock) -> None:
    manager = login(client, "manager-atlantique")
    _import(client, manager)
    seats = client.get(f"/api/v1/sites/{SITE}/seats", headers=manager).json()
    usable = [s["seat_id"] for s in seats if s["usable"]]
    blocked = next(s["seat_id"] for s in seats if not s["usable"])
    agent = login(client, "agent-hotline")
    me = client.get("/api/v1/auth/me", headers=agent).json()["agent_id"]

    def check_in(seat: str, who: dict[str, str] = agent, on: str = "me") -> int:
        return client.post(f"/api/v1/sites/{SITE}/checkins", headers=who,
                           json={"agent": on, "seat": seat}).status_code

    assert check_in(blocked) == 409
    assert check_in("P-zz") == 404
    assert check_in(usable[0]) == 201
    assert check_in(usable[1]) == 409  # already seated
    other = next(a for a in _agents(client, 10) if a != me)
    assert check_in(usable[0], manager, other) == 409  # taken
    assert check_in(usable[1], agent, other) == 403  # an agent seats only themself
    live = client.get(f"/api/v1/sites/{SITE}/occupancy", headers=agent).json()
    assert live["occupied"] == 1 and live["stays"][0]["agent_id"] == me
    assert client.post(f"/api/v1/sites/{SITE}/checkout", headers=agent,
                       json={}).status_code == 200
    assert client.post(f"/api/v1/sites/{SITE}/checkout", headers=agent,
                       json={}).status_code == 409
    refused = client.post(f"/api/v1/sites/{SITE}/checkins", headers=manager,
                          json={"agent": other, "seat": usable[0]})
    assert refused.status_code == 409 and refused.json()["details"]["reason"] == "cleaning"
    seat_state = next(s for s in client.get(f"/api/v1/sites/{SITE}/seats",
                                            headers=manager).json()
                      if s["seat_id"] == usable[0])
    assert seat_state["cleaning_until"] is not None
    clock.advance(30 * 60)
    assert check_in(usable[0], manager, other) == 201


def test_exposure_lists_close_colleagues_for_the_site_manager_only(
        client: TestClient, clock: ManualClock) -> None:
    manager = login(client, "manager-atlantique")
    _import(client, manager)
    seats = {s["seat_id"]: s for s in client.get(f"/api/v1/sites/{SITE}/seats",
                                                 headers=manager).json()}
    usable = [s for s in seats.values() if s["usable"]]
    agents = _agents(client, len(usable))
    for agent, seat in zip(agents, usable, strict=True):
        assert client.post(f"/api/v1/sites/{SITE}/checkins", headers=manager,
                           json={"agent": agent, "seat": seat["seat_id"]}).status_code == 201
    clock.advance(3600)
    index = usable[0]
    expected = {agent for agent, seat in zip(agents, usable, strict=True)
                if seat is not index and math.dist((seat["x"], seat["y"]),
                                                   (index["x"], index["y"])) <= 2.0}
    query = {"agent": agents[0], "days": 7, "distance": 2.0}
    reply = client.post(f"/api/v1/sites/{SITE}/exposure", headers=manager, json=query)
    assert reply.status_code == 200, reply.text
    found = reply.json()["colleagues"]
    assert {c["agent_id"] for c in found} == expected and expected
    assert all(c["overlap_minutes"] == 60.0 and c["closest_metres"] <= 2.0 for c in found)
    assert set(found[0]) == {"agent_id", "name", "closest_metres", "overlap_minutes",
                             "first_at", "last_at", "seats"}
    for user, status in (("sup-atlantique", 403), ("admin", 403), ("agent-hotline", 403),
                         ("manager-nordcom", 404), ("client-numero-vert", 403)):
        assert client.post(f"/api/v1/sites/{SITE}/exposure", headers=login(client, user),
                           json=query).status_code == status, user
    # Every search is logged for the manager, refused ones are not; nobody else reads it.
    log = client.get(f"/api/v1/sites/{SITE}/exposure-traces", headers=manager).json()
    assert [(e["agent_id"], e["requested_by"], e["colleagues"], e["days"]) for e in log] == \
        [(agents[0], "manager-atlantique", len(expected), 7.0)]
    for user, status in (("sup-atlantique", 403), ("admin", 403), ("manager-nordcom", 404)):
        assert client.get(f"/api/v1/sites/{SITE}/exposure-traces",
                          headers=login(client, user)).status_code == status, user


def test_old_closed_stays_are_purged_by_the_operator_only(
        client: TestClient, clock: ManualClock) -> None:
    manager = login(client, "manager-atlantique")
    _import(client, manager)
    usable = [s["seat_id"] for s in client.get(f"/api/v1/sites/{SITE}/seats",
                                               headers=manager).json() if s["usable"]]
    old, recent, staying = _agents(client, 3)
    for agent, seat in ((old, usable[0]), (recent, usable[1]), (staying, usable[2])):
        assert client.post(f"/api/v1/sites/{SITE}/checkins", headers=manager,
                           json={"agent": agent, "seat": seat}).status_code == 201
    assert client.post(f"/api/v1/sites/{SITE}/checkout", headers=manager,
                       json={"agent": old}).status_code == 200
    clock.advance(20 * 86_400)
    manager = login(client, "manager-atlantique")
    assert client.post(f"/api/v1/sites/{SITE}/checkout", headers=manager,
                       json={"agent": recent}).status_code == 200
    clock.advance(15 * 86_400)
    manager = login(client, "manager-atlantique")  # a new day, a new session
    purge = "/api/v1/sites/checkins/purge"
    assert client.post(purge, headers=manager, json={}).status_code == 403
    assert client.post(purge, headers=login(client, "admin"),
                       json={"older_than_days": 7}).status_code == 422
    done = client.post(purge, headers=login(client, "admin"), json={"older_than_days": 30})
    assert done.status_code == 200 and done.json()["deleted"] == 1
    trace = client.post(f"/api/v1/sites/{SITE}/exposure", headers=manager,
                        json={"agent": staying, "days": 28, "distance": 10})
    assert {c["agent_id"] for c in trace.json()["colleagues"]} == {recent}


@pytest.mark.parametrize("path", ["/api/v1/occupancy", f"/api/v1/sites/{SITE}/capacity",
                                  f"/api/v1/sites/{SITE}/seats",
                                  f"/api/v1/sites/{SITE}/occupancy",
                                  f"/api/v1/sites/{SITE}/plan.svg"])
def test_sites_need_a_login(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_outsourcers_never_see_each_others_sites(client: TestClient) -> None:
    nordcom = login(client, "manager-nordcom")
    assert {s["slug"] for s in client.get("/api/v1/occupancy", headers=nordcom).json()} \
        == {"nordcom-lille", "nordcom-amiens"}
    for path in ("capacity", "seats", "occupancy", "plan.svg", "shifts", "measures"):
        assert client.get(f"/api/v1/sites/{SITE}/{path}", headers=nordcom).status_code == 404
    assert client.put(f"/api/v1/sites/{SITE}/seats", headers={
        **nordcom, "Content-Type": "text/csv"}, content=PLAN).status_code == 404
    assert client.post(f"/api/v1/sites/{SITE}/checkins", headers=login(client, "agent-health"),
                       json={"seat": "P-a0"}).status_code == 404
    viewer = login(client, "client-banque-hermine")
    assert client.get(f"/api/v1/sites/{OTHER_SITE}/capacity", headers=viewer).status_code == 403
    assert client.get("/api/v1/occupancy", headers=viewer).status_code == 403


def test_only_the_manager_changes_the_plan_and_bad_plans_change_nothing(
        client: TestClient) -> None:
    sup = login(client, "sup-atlantique")
    assert client.put(f"/api/v1/sites/{SITE}/seats", headers={
        **sup, "Content-Type": "text/csv"}, content=PLAN).status_code == 403
    assert client.put(f"/api/v1/sites/{SITE}/distancing", headers=sup,
                      json={"min_distance": 2}).status_code == 403
    manager = login(client, "manager-atlantique")
    before = client.get(f"/api/v1/sites/{SITE}/capacity", headers=manager).json()
    bad = client.put(f"/api/v1/sites/{SITE}/seats", headers={
        **manager, "Content-Type": "text/csv"}, content="seat_id,x,y,zone\nA,1,oops,z\n")
    assert bad.status_code == 422 and "line 2" in bad.json()["detail"]
    assert client.put(f"/api/v1/sites/{SITE}/distancing", headers=manager,
                      json={"min_distance": -1}).status_code == 422
    assert client.get(f"/api/v1/sites/{SITE}/capacity", headers=manager).json()["count"] \
        == before["count"]


def test_check_ins_are_live_events_for_the_sites_outsourcer_only(client: TestClient) -> None:
    manager = login(client, "manager-atlantique")
    _import(client, manager)
    seat = next(s["seat_id"] for s in client.get(f"/api/v1/sites/{SITE}/seats",
                                                 headers=manager).json() if s["usable"])
    agent = _agents(client, 1)[0]
    outsourcer = client.get("/api/v1/auth/me", headers=manager).json()["outsourcer_id"]
    bus = client.app.state.runtime.bus  # type: ignore[attr-defined]
    own = bus.subscribe(Principal("m", "m", Role.SUPERVISOR, outsourcer_id=outsourcer))
    other = bus.subscribe(Principal("n", "n", Role.SUPERVISOR, outsourcer_id="elsewhere"))
    viewer = bus.subscribe(Principal("c", "c", Role.CLIENT_VIEWER, client_id="numero-vert"))
    assert client.post(f"/api/v1/sites/{SITE}/checkins", headers=manager,
                       json={"agent": agent, "seat": seat}).status_code == 201
    assert client.post(f"/api/v1/sites/{SITE}/checkout", headers=manager,
                       json={"agent": agent}).status_code == 200
    seen = [own.inbox.get_nowait() for _ in range(own.inbox.qsize())]
    assert [(e.type, e.data["change"], e.data["seat"]) for e in seen] == [
        ("site.occupancy_changed", "in", seat), ("site.occupancy_changed", "out", seat)]
    assert other.inbox.empty() and viewer.inbox.empty()

"""The pages of issue 12: the admin's personal-data page (retention, purge, export,
erasure, audit) and the role change of a user, with the API's rules."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.conftest import login

REF = "+33 6 12 12 12 12"


def _page_login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303


def test_the_admin_purges_exports_and_erases_from_the_page(client: TestClient) -> None:
    client.post("/api/v1/contacts", headers=login(client, "admin"), json={
        "queue": "hotline-general", "channel": "voice", "customer_ref": REF})
    _page_login(client, "admin")
    shown = client.get("/admin/privacy")
    assert shown.status_code == 200 and 'id="retention-table"' in shown.text
    assert "Messages de chat et courriels d&#39;un contact terminé" in shown.text
    counted = client.post("/admin/privacy/purge", data={"mode": "count"})
    assert counted.status_code == 200 and "Une purge effacerait" in counted.text
    ran = client.post("/admin/privacy/purge", data={"mode": "run"})
    assert "Purge effectuée" in ran.text
    exported = client.post("/admin/privacy/export", data={"customer_ref": REF})
    assert exported.headers["content-type"].startswith("application/json")
    assert "attachment" in exported.headers["content-disposition"]
    assert len(json.loads(exported.text)["contacts"]) == 1
    erased = client.post("/admin/privacy/erase", data={"customer_ref": REF})
    assert erased.status_code == 200 and "effacées" in erased.text
    audit = client.get("/api/v1/privacy/audit", headers=login(client, "admin")).json()
    assert [a["action"] for a in audit] == ["erase", "export", "purge"]
    refused = client.post("/admin/privacy/erase", data={"customer_ref": ""})
    assert 'id="form-error"' in refused.text


def test_the_privacy_page_is_for_the_platform_operator_only(client: TestClient) -> None:
    _page_login(client, "manager-atlantique")
    assert "Données personnelles" not in client.get("/admin/sites").text
    page = client.get("/admin/privacy")
    assert 'id="retention-table"' not in page.text
    assert client.post("/admin/privacy/erase", data={"customer_ref": REF}).status_code \
        in (200, 403)
    assert client.get("/api/v1/privacy/audit", headers=login(client, "admin")).json() == []


def test_a_role_change_from_the_admin_page_ends_the_users_sessions(client: TestClient) -> None:
    admin = login(client, "admin")
    made = client.post("/api/v1/users", headers=admin, json={
        "username": "sup-page", "password": "sup-page-pass", "role": "supervisor",
        "outsourcer": "atlantique"}).json()
    token = client.post("/api/v1/auth/token", data={"username": "sup-page",
                                                    "password": "sup-page-pass"}).json()
    user = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=user).status_code == 200
    _page_login(client, "manager-atlantique")
    form = client.get(f"/admin/users/{made['id']}")
    assert form.status_code == 200 and 'name="role"' in form.text
    saved = client.post(f"/admin/users/{made['id']}", data={"role": "agent",
                                                             "agent": "ag-atlantique-001"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert client.get("/api/v1/auth/me", headers=user).status_code == 401
    listed = client.get(f"/api/v1/users/{made['id']}", headers=admin).json()
    assert listed["role"] == "agent" and listed["agent_id"] == "ag-atlantique-001"
    wrong = client.post(f"/admin/users/{made['id']}", data={"role": "admin"})
    assert wrong.status_code == 200 and 'id="form-error"' in wrong.text

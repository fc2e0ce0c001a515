"""Every page, as each role sees it, speaks French: no raw enum value (``with_waiver``,
``banking``…), no raw ratio or duration (``0.8``, ``86400.0``), no English interface word,
no client or queue shown by its slug. The walk follows each role's navigation, every tab
of the administration, each site and an article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from renfort.domain.contacts import ContactState
from renfort.domain.model import Sector, TeleworkRule
from renfort.knowledge.articles import Audience, Status
from renfort.routing.types import AgentStatus
from renfort.services.principals import Role
from renfort.web.pages import admin
from renfort.web.session import pages_for
from tests.api.test_agent_moves_api import FULL_SETUP
from tests.conftest import login

USERS = ("admin", "manager-atlantique", "sup-atlantique", "agent-hotline", "client-numero-vert",
         "editor", "agent-bank-home", "rep-atlantique")
ENGLISH = ("Loading", "Submit", "Search", "Error", "None", "True", "False", "null",
           "undefined", "Cancel", "Delete", "Save", "Name", "Status", "Page not found")
"""Words of an English interface (or of a Python value printed as it is)."""
KEY = re.compile(r"(?<![\w/.-])([a-z_]+(?:\.[a-z0-9_-]+)+)(?![\w/-])")
"""``wall.level.bad``: a catalogue key shown as it is (the catalogue had no entry for it)."""
RAW = re.compile(r"(?<![\w,.])(?:0\.\d+|\d+\.0)(?![\w,])")
"""``0.8`` or ``86400.0``: a ratio or a float printed without a format."""


def _raw_enum_values() -> set[str]:
    values: set[str] = set()
    for enum in (Sector, TeleworkRule, ContactState, AgentStatus, Audience, Status, Role):
        values.update(str(v) for v in enum)
    values.update(("in_place", "not_applicable", "agents_only", "wrap_up"))
    # French words that are also enum values are fine on a page.
    return {v for v in values if "_" in v or v in {
        "banking", "health", "energy", "telecom", "insurance", "other", "allowed",
        "received", "queued", "offered", "accepted", "closed", "abandoned", "redirected",
        "transferred", "available", "missed", "draft", "published", "archived",
        "supervisor", "integration"}}


class _Text(HTMLParser):
    """The text a reader sees: no script, style, or the signed-in user's name."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style", "code", "pre") or "user" in classes or self._skip:
            self._skip += 1 if tag not in ("br", "input", "img", "meta", "link") else 0

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag not in ("br", "input", "img", "meta", "link"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.parts.append(value)


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _catalogue_keys() -> set[str]:
    from babel.messages.pofile import read_po

    from renfort.web.i18n import catalogue_path

    with catalogue_path("fr").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def _browser_login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    reply = client.post("/login", data={"username": username, "password": f"{username}-demo"},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def _pages(client: TestClient, username: str) -> Iterator[str]:
    who = client.get("/api/v1/auth/me", headers=login(client, username)).json()
    role = Role(who["role"])
    for entry in pages_for(_Who(role)):
        yield entry.path
        if entry.key == "admin":
            tabs = admin.ADMIN_TABS if role is Role.ADMIN else admin.MANAGER_TABS
            yield from (f"/admin/{t}" for t in tabs)
        if entry.key == "sites" and role is not Role.CLIENT_VIEWER:
            sites = client.get("/api/v1/sites", headers=login(client, username)).json()
            yield from (f"/sites/{s['slug']}" for s in sites[:2])
            if role in (Role.ADMIN, Role.OUTSOURCER_MANAGER):
                yield "/sites/moves"
        if entry.key == "knowledge":
            yield "/knowledge/a/attestation-deplacement"
            yield "/knowledge/redirects"


class _Who:
    def __init__(self, role: Role) -> None:
        self.role = role


def _slugs(client: TestClient) -> set[str]:
    admin_headers = login(client, "admin")
    clients = client.get("/api/v1/clients", headers=admin_headers).json()
    queues = client.get("/api/v1/queues", headers=admin_headers).json()
    return {c["slug"] for c in clients} | {q["slug"] for q in queues}


@pytest.mark.parametrize("username", USERS)
def test_every_page_of_every_role_is_in_french(client: TestClient, username: str) -> None:
    raw_values = _raw_enum_values()
    slugs = _slugs(client)
    prefixes = {key.split(".")[0] for key in _catalogue_keys()}
    problems: list[str] = []
    for path in _pages(client, username):
        _browser_login(client, username)
        reply = client.get(path)
        assert reply.status_code == 200, (path, reply.status_code)
        text = _text(reply.text)
        words = set(re.findall(r"[\w-]+", text))
        for value in sorted(raw_values & words):
            problems.append(f"{path}: raw value {value!r}")
        for word in ENGLISH:
            if re.search(rf"\b{word}\b", text):
                problems.append(f"{path}: English {word!r}")
        for number in RAW.findall(text):
            problems.append(f"{path}: unformatted number {number!r}")
        for key in KEY.findall(text):
            if key.split(".")[0] in prefixes:
                problems.append(f"{path}: catalogue key shown raw {key!r}")
        code_column = path in ("/admin/clients", "/admin/queues")  # the code itself
        for slug in sorted(slugs & words) if not code_column else []:
            if "-" in slug:
                problems.append(f"{path}: slug {slug!r}")
    assert problems == [], "\n".join(problems)


def test_the_planner_names_queues_and_formats_its_figures(client: TestClient) -> None:
    _browser_login(client, "sup-atlantique")
    page = client.post("/planner/staffing", data={
        "model": "erlang-c", "service_level": "0.8", "within": "60", "shrinkage": "0"},
        files={"file": ("prevision.csv", client.get("/planner/sample.csv").text,
                        "text/csv")}).text
    assert 'id="staffing-table"' in page
    text = _text(page)
    assert "hotline-general" not in set(re.findall(r"[\w-]+", text))
    queues = client.get("/api/v1/queues", headers=login(client, "admin")).json()
    general = next(q["name"] for q in queues if q["slug"] == "hotline-general")
    assert general in text
    assert RAW.findall(text) == []


def test_the_agent_desktop_with_a_conversation_is_in_french(client: TestClient) -> None:
    agent = login(client, "agent-hotline")
    client.post("/api/v1/agents/me/login", headers=agent)
    client.put("/api/v1/agents/me/state", headers=agent, json={"state": "available"})
    contact = client.post("/api/v1/contacts", headers=login(client, "admin"), json={
        "queue": "hotline-general", "channel": "chat", "customer_ref": "+33 6 10 20 30 40",
        "message": "Faut-il une attestation pour aller travailler ?"}).json()
    assert client.post(f"/api/v1/contacts/{contact['id']}/accept",
                       headers=agent).status_code == 200
    _browser_login(client, "agent-hotline")
    problems = []
    for path in ("/agent", f"/agent/knowledge/suggestions?contact={contact['id']}"):
        text = _text(client.get(path).text)
        words = set(re.findall(r"[\w-]+", text))
        problems += [f"{path}: {v!r}" for v in sorted(_raw_enum_values() & words)]
        problems += [f"{path}: {n!r}" for n in RAW.findall(text)]
        problems += [f"{path}: {s!r}" for s in sorted(_slugs(client) & words) if "-" in s]
    assert problems == []


def test_a_bulk_move_preview_names_queues_and_skills(client: TestClient) -> None:
    agents = client.get("/api/v1/agents", headers=login(client, "manager-atlantique")).json()
    on_site = [a["id"] for a in agents if a["works_from"] == "site"
               and "energy-outage" in a["skills"]]
    assert client.put(f"/api/v1/agents/{on_site[0]}/home-setup", json=FULL_SETUP,
                      headers=login(client, "manager-atlantique")).status_code == 200
    _browser_login(client, "manager-atlantique")
    page = client.post("/sites/moves", data={"agents": on_site, "to": "home",
                                             "action": "preview"})
    assert page.status_code == 200 and 'id="moves-queues"' in page.text
    words = set(re.findall(r"[\w-]+", _text(page.text)))
    assert sorted(s for s in _slugs(client) & words if "-" in s) == []

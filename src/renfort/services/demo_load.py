"""Load the demo federation into the store; running it twice changes nothing."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from sqlalchemy import Engine, select

from renfort.demo.federation import build_federation, describe
from renfort.domain.clock import ManualClock
from renfort.knowledge.articles import HOTLINE_BASE
from renfort.services.auth import AuthService
from renfort.services.knowledge import KnowledgeService, json_lines
from renfort.services.knowledge_search import KnowledgeBases
from renfort.services.principals import Role
from renfort.services.sites_demo import load_demo_sites
from renfort.store import repository as repo
from renfort.store import tables as t


def load_demo(engine: Engine, auth: AuthService, now: datetime) -> dict[str, int]:
    """Upsert the demo's reference data and create its users where missing.

    Agents keep their presence, and an existing waiver is left as it is (a revocation made
    during a demo survives a reload).
    """
    fed = build_federation(now)
    with engine.begin() as conn:
        for o in fed.outsourcers:
            repo.save_outsourcer(conn, o)
        for c in fed.clients:
            repo.save_client(conn, c)
        for q in fed.queues:
            repo.save_queue(conn, q)
        for s in fed.sites:
            repo.save_site(conn, s)
        for a in fed.agents:
            repo.save_agent(conn, a)
        for k in fed.contracts:
            repo.save_contract(conn, k)
        for w in fed.waivers:
            if repo.get_row(conn, t.waivers, w.id) is None:
                repo.save_waiver(conn, w)
        existing = set(conn.execute(select(t.users.c.username)).scalars())
    for user in fed.users:
        if user.username in existing:
            continue
        auth.create_user(user.username, user.password, Role(user.role),
                         outsourcer=user.outsourcer_slug, client=user.client_slug,
                         agent=user.agent_id)
    return {**describe(fed), **load_demo_knowledge(engine, now),
            **load_demo_sites(engine, fed, now)}


def load_demo_knowledge(engine: Engine, now: datetime) -> dict[str, int]:
    """Import the hotline's demo base (``renfort/demo/knowledge_fr.jsonl``), published from
    ``now``; articles already there with the same content are left alone."""
    lines = json_lines(resources.files("renfort.demo").joinpath("knowledge_fr.jsonl")
                       .read_text("utf-8"))
    clock = ManualClock(now.timestamp())
    service = KnowledgeService(engine, clock, KnowledgeBases(engine, clock))
    counts = service.import_lines(HOTLINE_BASE, lines, by="demo")
    return {f"articles_{what}": count for what, count in counts.items()}

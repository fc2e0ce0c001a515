"""Every page behind a distinct template, with a user who may open it: walked by the phone
test and by ``tools/screenshots.py``."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    user: str | None = None
    """Demo user (password: user + "-demo"); None for the public pages."""


PAGES: tuple[Shot, ...] = (
    Shot("landing", "/"),
    Shot("login", "/login"),
    Shot("chat", "/chat"),
    Shot("agent", "/agent", "agent-hotline"),
    Shot("supervisor", "/supervisor", "sup-atlantique"),
    Shot("planner", "/planner", "manager-atlantique"),
    Shot("sites", "/sites", "manager-atlantique"),
    Shot("site", "/sites/atlantique-nantes", "manager-atlantique"),
    Shot("sites-client", "/sites", "client-banque-hermine"),
    Shot("sites-rep", "/sites", "rep-atlantique"),
    Shot("site-rep", "/sites/atlantique-nantes", "rep-atlantique"),
    Shot("moves", "/sites/moves", "manager-atlantique"),
    Shot("reports", "/reports", "manager-atlantique"),
    Shot("reports-client", "/reports", "client-banque-hermine"),
    Shot("knowledge", "/knowledge", "editor"),
    Shot("knowledge-new", "/knowledge/new", "editor"),
    Shot("redirects", "/knowledge/redirects", "editor"),
    Shot("redirect-entry", "/knowledge/redirects/medical_urgent", "editor"),
    Shot("knowledge-article", "/knowledge/a/accueil-enfants-soignants", "editor"),
    Shot("admin", "/admin/agents", "admin"),
    Shot("admin-outsourcers", "/admin/outsourcers", "admin"),
    Shot("admin-clients", "/admin/clients", "admin"),
    Shot("admin-queues", "/admin/queues", "admin"),
    Shot("admin-contracts", "/admin/contracts", "admin"),
    Shot("admin-sites", "/admin/sites", "admin"),
    Shot("admin-users", "/admin/users", "admin"),
    Shot("admin-privacy", "/admin/privacy", "admin"),
    Shot("forbidden", "/admin", "sup-atlantique"),
    Shot("not-found", "/nulle-part"),
)
"""Every page behind a distinct template, with a user who may open it."""


def log_in(page: Page, user: str, path: str) -> None:
    page.goto(f"/login?next={path}")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(f"{user}-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its window (0: no horizontal scroll)."""
    return int(page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"))

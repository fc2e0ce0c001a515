"""Who is looking at a page: the session cookie, role-based pages and navigation.

The cookie is the one ``POST /api/v1/auth/session`` sets (HttpOnly, SameSite=strict). No
cookie sends the browser to ``/login``; a cookie the server no longer knows (expired or
logged out elsewhere) sends it there with the "session expired" message. An htmx request
gets the same answer as an ``HX-Redirect`` header, so a fragment never renders a login form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlparse

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from renfort.api.deps import SESSION_COOKIE, RuntimeDep
from renfort.domain.errors import AuthenticationError, PermissionDeniedError
from renfort.services.principals import Principal, Role


@dataclass(frozen=True)
class Page:
    key: str
    path: str
    roles: frozenset[Role]


R = Role
PAGES: tuple[Page, ...] = (
    Page("agent", "/agent", frozenset({R.AGENT})),
    Page("supervisor", "/supervisor",
         frozenset({R.ADMIN, R.OUTSOURCER_MANAGER, R.SUPERVISOR, R.CLIENT_VIEWER})),
    Page("knowledge", "/knowledge",
         frozenset({R.ADMIN, R.KNOWLEDGE_EDITOR, R.CLIENT_VIEWER})),
    Page("reports", "/reports",
         frozenset({R.ADMIN, R.OUTSOURCER_MANAGER, R.SUPERVISOR, R.CLIENT_VIEWER})),
    Page("planner", "/planner",
         frozenset({R.ADMIN, R.OUTSOURCER_MANAGER, R.SUPERVISOR, R.CLIENT_VIEWER})),
    Page("sites", "/sites",
         frozenset({R.ADMIN, R.OUTSOURCER_MANAGER, R.SUPERVISOR, R.CLIENT_VIEWER,
                    R.STAFF_REP})),
    Page("admin", "/admin", frozenset({R.ADMIN, R.OUTSOURCER_MANAGER})),
)
"""Pages behind the login, in navigation order, with the roles that may open them."""
BY_KEY = {p.key: p for p in PAGES}


class LoginRequiredError(Exception):
    """The page needs a session; ``expired`` when the browser had one that stopped working."""

    def __init__(self, expired: bool) -> None:
        super().__init__("login required")
        self.expired = expired


def pages_for(who: Principal) -> list[Page]:
    return [p for p in PAGES if who.role in p.roles]


def home_for(who: Principal) -> str:
    pages = pages_for(who)
    return pages[0].path if pages else "/chat"


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow the login (no open redirect)."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


async def web_principal(request: Request, rt: RuntimeDep) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequiredError(expired=False)
    try:
        return rt.auth.principal_for_token(token)
    except AuthenticationError:
        raise LoginRequiredError(expired=True) from None


WebPrincipal = Annotated[Principal, Depends(web_principal)]


def require_page(who: Principal, key: str) -> None:
    if who.role not in BY_KEY[key].roles:
        raise PermissionDeniedError(f"page {key} is not for role {who.role}", {"page": key},
                                    reason="page-not-for-role")


def login_redirect(request: Request, expired: bool) -> Response:
    """To /login, remembering where the user was going."""
    is_htmx = request.headers.get("hx-request") == "true"
    origin = request.headers.get("hx-current-url") if is_htmx else None
    path = urlparse(origin).path if origin else request.url.path
    query = f"next={quote(path)}"
    if expired:
        query += "&expired=1"
    target = f"/login?{query}"
    response: Response
    if is_htmx:
        response = Response(status_code=200, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    if expired:
        response.delete_cookie(SESSION_COOKIE)
    return response

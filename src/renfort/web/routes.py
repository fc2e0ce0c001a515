"""Mount the pages on the application: static files, page routers, login redirects."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from renfort.api import errors as api_errors
from renfort.web.pages import (
    admin,
    agent,
    agent_knowledge,
    auth,
    chat,
    knowledge,
    moves,
    planner,
    privacy,
    redirects,
    reports,
    sites,
    supervisor,
)
from renfort.web.session import LoginRequiredError, login_redirect
from renfort.web.support import PageForbiddenError, forbidden_page, page

STATIC = Path(__file__).parent / "static"


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    return login_redirect(request, exc.expired)


async def _http_error(request: Request, exc: Exception) -> Response:
    """A browser asking for an unknown page gets a page; everything else, problem+json."""
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    wants_page = "text/html" in request.headers.get("accept", "")
    if exc.status_code == 404 and wants_page and not path.startswith(("/api/", "/static/")):
        return page(request, "not_found.html", None, None, status_code=404)
    return await api_errors.http_error(request, exc)


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageForbiddenError)
    return forbidden_page(request, exc)


def install(app: FastAPI) -> None:
    """Add the pages (``/``, ``/login``, ``/agent``…) and ``/static`` to ``app``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # privacy before admin: /admin/privacy is not one of admin's generic /admin/{kind}.
    for module in (auth, agent, agent_knowledge, supervisor, chat, knowledge, redirects,
                   reports, planner, moves, sites, privacy, admin):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(LoginRequiredError, _login_required)
    app.add_exception_handler(PageForbiddenError, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http_error)

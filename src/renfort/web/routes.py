"""Mount the pages on the application: static files, page routers, login redirects."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from renfort.api import errors as api_errors
from renfort.domain.errors import RenfortError
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
from renfort.web.refusals import error_text, invalid_input
from renfort.web.session import LoginRequiredError, login_redirect, safe_next
from renfort.web.support import PageForbiddenError, flash_error, forbidden_page, is_htmx, page

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


def _explain(_: Request, exc: Exception) -> str | None:
    """A refusal in the pages' French, for the pages' own calls to the JSON API."""
    if isinstance(exc, RequestValidationError):
        return error_text(invalid_input(exc.errors()))
    return error_text(exc) if isinstance(exc, RenfortError) else None


async def _invalid_form(request: Request, exc: Exception) -> Response:
    """A page's form or query field that FastAPI could not read (a number that is not one, a
    field missing): said in French, per field; the JSON API keeps its problem+json."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        return await api_errors.validation_error(request, exc)
    refusal = invalid_input(exc.errors())
    if is_htmx(request):
        return flash_error(request, refusal)
    return _refused_page(request, error_text(refusal), 422)


def _refused_page(request: Request, text: str, status: int,
                  headers: dict[str, str] | None = None) -> Response:
    back = safe_next(urlparse(request.headers.get("referer", "")).path) or "/"
    response = page(request, "refused.html", None, None, {"text": text, "back": back},
                    status_code=status)
    response.headers.update(headers or {})
    return response


async def _refused(request: Request, exc: Exception) -> Response:
    """A refusal no page handler caught: a browser navigating to a page (a plain form post,
    a link) gets a French page saying why; the JSON API and the pages' own scripts (htmx,
    fetch) get problem+json, with its French ``text`` when they ask in French."""
    assert isinstance(exc, RenfortError)
    problem = await api_errors.renfort_error(request, exc)
    navigating = "text/html" in request.headers.get("accept", "")
    if request.url.path.startswith("/api/") or is_htmx(request) or not navigating:
        return problem
    kept = {k: v for k, v in problem.headers.items()
            if k.lower() in ("retry-after", "www-authenticate")}
    return _refused_page(request, error_text(exc), problem.status_code, kept)


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
    app.add_exception_handler(RequestValidationError, _invalid_form)
    app.add_exception_handler(RenfortError, _refused)
    app.state.explain_problem = _explain

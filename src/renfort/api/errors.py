"""Every error leaves the API as RFC 9457 problem+json, mapped here and nowhere else."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from renfort.domain.errors import (
    AuthenticationError,
    ConflictError,
    InternalError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RenfortError,
    UnavailableError,
    ValidationError,
)
from renfort.services.desk_writer import store_error

log = logging.getLogger("renfort.api")

PROBLEM = "application/problem+json"
_STATUS: list[tuple[type[RenfortError], int, str]] = [
    (AuthenticationError, 401, "Authentication required"),
    (PermissionDeniedError, 403, "Forbidden"),
    (NotFoundError, 404, "Not found"),
    (ConflictError, 409, "Conflict"),
    (ValidationError, 422, "Invalid input"),
    (RateLimitedError, 429, "Too many requests"),
    (UnavailableError, 503, "Service unavailable"),
    (InternalError, 500, "Internal error"),
]


Explain = Callable[[Request, Exception], str | None]
"""Says a refusal in the words of the user's pages (French), or None: the pages install one
(``app.state.explain_problem``); the API itself stays in English."""


def problem(status: int, error_id: str, title: str, detail: str,
            details: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, *,
            extra: dict[str, Any] | None = None) -> JSONResponse:
    body = {"type": f"/problems/{error_id}", "title": title, "status": status,
            "detail": detail, "error_id": error_id, "details": details or {}, **(extra or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def wants_french(request: Request) -> bool:
    """The caller asked for French (``Accept-Language: fr…``), as Renfort's pages do."""
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return first == "fr" or first.startswith("fr-")


def _text(request: Request, exc: Exception) -> dict[str, Any]:
    """The extension member ``text``: the refusal in French, for a caller that asked for
    French and an app whose pages can say it."""
    explain: Explain | None = getattr(request.app.state, "explain_problem", None)
    if explain is None or not wants_french(request):
        return {}
    text = explain(request, exc)
    return {"text": text} if text else {}


def status_of(error: RenfortError) -> tuple[int, str]:
    for kind, status, title in _STATUS:
        if isinstance(error, kind):
            return status, title
    return 400, "Bad request"


async def renfort_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RenfortError)
    status, title = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, RateLimitedError | UnavailableError):
        default = 60 if isinstance(exc, RateLimitedError) else 2
        headers = {"Retry-After": str(exc.details.get("retry_after_seconds", default))}
    extra = {"reason": exc.reason} if exc.reason else {}
    return problem(status, exc.error_id, title, exc.message, exc.details, headers,
                   extra={**extra, **_text(request, exc)})


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    """Anything else: 503 when the database is unreachable, otherwise a 500 whose incident
    id is in the log next to the traceback. Never the exception's text (it may carry
    personal data or SQL)."""
    if isinstance(exc, SQLAlchemyError) and store_error(exc):
        log.warning("database unreachable: %s", type(exc).__name__)
        return problem(503, "store-unavailable", "Service unavailable",
                       "the database is unreachable; try again shortly",
                       {"retry_after_seconds": 2}, {"Retry-After": "2"})
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error (incident %s)", incident, exc_info=exc)
    return problem(500, "internal-error", "Internal error",
                   "an unexpected error stopped this request", {"incident": incident})


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")),
         "message": e["msg"]}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    return problem(422, "invalid-input", "Invalid input",
                   f"{first['field']}: {first['message']}", {"errors": errors},
                   extra=_text(request, exc))


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}.get(
        exc.status_code, "http-error")
    return problem(exc.status_code, slug, str(exc.detail), str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RenfortError, renfort_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, _unexpected)

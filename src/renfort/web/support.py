"""What every page module shares: the page frame, access checks, errors shown in French."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from fastapi import Request
from fastapi.responses import HTMLResponse

from renfort.domain.errors import PermissionDeniedError, RenfortError
from renfort.services.principals import Principal
from renfort.web.refusals import error_text
from renfort.web.session import BY_KEY, pages_for
from renfort.web.templating import render

__all__ = [
    "PageForbiddenError",
    "allow",
    "check_origin",
    "error_text",
    "flash_error",
    "forbidden_page",
    "frame",
    "is_htmx",
    "page",
    "with_trigger",
]


class PageForbiddenError(Exception):
    """A logged-in user opened a page that is not for their role."""

    def __init__(self, who: Principal, page: str) -> None:
        super().__init__(f"page {page} is not for role {who.role}")
        self.who = who
        self.page = page


def allow(who: Principal, page: str) -> None:
    if who.role not in BY_KEY[page].roles:
        raise PageForbiddenError(who, page)


def frame(who: Principal | None, active: str | None) -> dict[str, Any]:
    """Context of the page frame: the user, their navigation, the active entry."""
    return {"who": who, "nav": pages_for(who) if who else [], "active": active}


def page(request: Request, template: str, who: Principal | None, active: str | None,
         context: dict[str, Any] | None = None, *, status_code: int = 200) -> HTMLResponse:
    return render(request, template, {**frame(who, active), **(context or {})},
                  status_code=status_code)


def forbidden_page(request: Request, error: PageForbiddenError) -> HTMLResponse:
    return page(request, "forbidden.html", error.who, None, {"page_key": error.page})


async def check_origin(request: Request) -> None:
    """A form post must come from one of our pages (defence in depth besides SameSite)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    if urlparse(origin).netloc != request.headers.get("host", ""):
        raise PermissionDeniedError("a form may only be sent from Renfort's own pages", {},
                                    reason="cross-origin-form")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def flash_error(request: Request, error: RenfortError) -> HTMLResponse:
    """An htmx action was refused: show why in the page's ``#flash`` area, change nothing."""
    return render(request, "flash.html", {"text": error_text(error), "kind": "error"},
                  headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})


def with_trigger(response: HTMLResponse, *events: str) -> HTMLResponse:
    """Ask htmx to fire ``events`` on the body once the response is swapped."""
    response.headers["HX-Trigger"] = ", ".join(events)
    return response

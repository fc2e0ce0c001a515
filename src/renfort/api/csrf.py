"""Cross-site request forgery: a state change carried by a browser's cookie must come from
one of Renfort's own pages.

``SameSite=strict`` keeps the session cookie off requests started by *other sites*, but a
page served on another port of the same host is the same site: its form or ``fetch`` would
carry the cookie (the review revoked a waiver that way). So every unsafe request (POST,
PUT, PATCH, DELETE) that carries one of our cookies is checked: the browser's
``Sec-Fetch-Site`` must say ``same-origin`` (or ``none``: typed by the user), or, from a
browser that does not send it, the ``Origin`` must be this very host and port. A request
with neither header does not come from a browser, hence cannot be forged by one; requests
authenticated by a bearer token or an API key never carry ambient credentials and pass.
"""

from __future__ import annotations

from urllib.parse import urlparse

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from renfort.api.errors import problem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
AMBIENT_COOKIES = ("renfort_session", "renfort_chat")
"""Cookies a browser attaches on its own: the staff session and the citizen's chat."""


def same_origin(headers: Headers) -> bool:
    """Whether a browser says the request comes from a page of this origin."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and urlparse(origin).netloc == headers.get("host", "")
    return True


class SameOriginMiddleware:
    """Refuses (403 problem+json) a cookie-authenticated state change from another origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        authorization = headers.get("authorization", "")
        explicit = authorization.lower().startswith("bearer ") or "x-api-key" in headers
        cookies = cookie_parser(headers.get("cookie", ""))
        ambient = any(name in cookies for name in AMBIENT_COOKIES)
        if explicit or not ambient or same_origin(headers):
            await self.app(scope, receive, send)
            return
        response = problem(403, "cross-origin", "Forbidden",
                           "a state change with the session cookie must come from "
                           "Renfort's own pages (same origin)")
        await response(scope, receive, send)

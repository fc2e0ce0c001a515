"""Request dependencies: the runtime and the authenticated principal."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from renfort.bootstrap import Runtime
from renfort.domain.errors import AuthenticationError
from renfort.services.principals import Principal
from renfort.services.throttle import PUBLIC_CHAT

SESSION_COOKIE = "renfort_session"
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]


def caller_address(request: Request) -> str:
    """The client's network address, for rate limits: the connection's peer, or the address
    a trusted proxy (``RENFORT_TRUSTED_PROXIES``, applied by uvicorn) put in X-Forwarded-For."""
    return request.client.host if request.client else ""


CallerDep = Annotated[str, Depends(caller_address)]


def public_chat_quota(rt: RuntimeDep, caller: CallerDep) -> None:
    """Counts one public chat call for the caller; 429 once over the limit."""
    rt.throttle.spend(PUBLIC_CHAT, caller)


PublicChatQuota = Depends(public_chat_quota)


async def current_principal(
    request: Request,
    rt: RuntimeDep,
    token: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """Bearer token, then API key, then the browser's session cookie.

    Async so that FastAPI does not hop to a worker thread on every request: a known token
    is answered from the in-memory cache, on the event loop; an unknown one is looked up in
    the store from a worker thread, so that a slow store never blocks the loop.
    """
    secret = token or api_key or request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise AuthenticationError("log in first: bearer token, API key or session cookie")
    is_key = not token and bool(api_key)
    cached = rt.auth.cached(secret, api_key=is_key)
    if cached is not None:
        return cached
    lookup = rt.auth.principal_for_api_key if is_key else rt.auth.principal_for_token
    return await asyncio.to_thread(lookup, secret)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def session_token(request: Request) -> str | None:
    """The session token the request authenticated with (bearer, else the cookie), as
    :func:`current_principal` chooses it; ``None`` for an API key."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return header[7:].strip()
    if request.headers.get("x-api-key"):
        return None
    return request.cookies.get(SESSION_COOKIE)

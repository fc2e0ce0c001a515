"""Log in (OAuth2 password flow for tools, a cookie for browsers) and log out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from renfort.api.deps import SESSION_COOKIE, CallerDep, PrincipalDep, RuntimeDep
from renfort.api.schemas import LoginIn
from renfort.domain.clock import to_datetime

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], rt: RuntimeDep,
          caller: CallerDep) -> dict[str, Any]:
    """OAuth2 password flow: form fields ``username`` and ``password`` → bearer token."""
    issued = rt.auth.login(form.username, form.password, caller=caller)
    return {"access_token": issued.token, "token_type": "bearer",
            "expires_at": to_datetime(issued.expires_at).isoformat(),
            "role": str(issued.principal.role)}


@router.post("/session")
def open_session(body: LoginIn, rt: RuntimeDep, response: Response,
                 caller: CallerDep) -> dict[str, Any]:
    """Browser log-in: sets an HttpOnly session cookie."""
    issued = rt.auth.login(body.username, body.password, caller=caller)
    response.set_cookie(SESSION_COOKIE, issued.token, httponly=True, samesite="strict",
                        secure=rt.settings.cookie_secure,
                        max_age=int(issued.expires_at - rt.clock.now()))
    return {"username": issued.principal.username, "role": str(issued.principal.role)}


@router.delete("/session", status_code=204)
def close_session(request: Request, rt: RuntimeDep) -> Response:
    """Log out: the session token stops working at once."""
    header = request.headers.get("authorization", "")
    token = request.cookies.get(SESSION_COOKIE) or header.removeprefix("Bearer ").strip()
    if token:
        rt.auth.logout(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/me")
def me(who: PrincipalDep) -> dict[str, Any]:
    """Who the caller is and which tenant they belong to."""
    return {"user_id": who.user_id, "username": who.username, "role": str(who.role),
            "outsourcer_id": who.outsourcer_id, "client_id": who.client_id,
            "agent_id": who.agent_id}

"""``/`` (landing or the user's home), ``/login`` and ``/logout``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from renfort.api.deps import SESSION_COOKIE, CallerDep, RuntimeDep
from renfort.domain.errors import AuthenticationError, RateLimitedError
from renfort.web.session import home_for, safe_next
from renfort.web.support import check_origin, error_text, page
from renfort.web.templating import message

router = APIRouter(dependencies=[Depends(check_origin)])


@router.get("/")
def home(request: Request, rt: RuntimeDep) -> Response:
    """The user's first page when logged in; otherwise a choice: citizen chat or staff login."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            who = rt.auth.principal_for_token(token)
        except AuthenticationError:
            pass
        else:
            return RedirectResponse(home_for(who), status_code=303)
    return page(request, "landing.html", None, None)


@router.get("/login")
def login_form(request: Request, rt: RuntimeDep, next: str | None = None,
               expired: int = 0, bye: int = 0) -> Response:
    notice, kind = None, "info"
    if expired:
        notice, kind = message("login.expired"), "warn"
    elif bye:
        notice, kind = message("login.bye"), "ok"
    elif next:
        notice = message("login.needed")
    return page(request, "login.html", None, None,
                {"next": safe_next(next), "notice": notice, "notice_kind": kind,
                 "hide_login": True})


@router.post("/login")
def login(request: Request, rt: RuntimeDep, caller: CallerDep,
          username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "") -> Response:
    """Checks the password, sets the session cookie, goes to ``next`` or the role's home."""
    try:
        issued = rt.auth.login(username.strip(), password, caller=caller)
    except (AuthenticationError, RateLimitedError) as error:
        text = (error_text(error) if isinstance(error, RateLimitedError)
                else message("login.failed"))
        return page(request, "login.html", None, None,
                    {"next": safe_next(next), "error": text,
                     "username": username, "hide_login": True})
    target = safe_next(next) or home_for(issued.principal)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, issued.token, httponly=True, samesite="strict",
                        secure=rt.settings.cookie_secure,
                        max_age=max(1, int(issued.expires_at - rt.clock.now())))
    return response


@router.post("/logout")
def logout(request: Request, rt: RuntimeDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        rt.auth.logout(token)
    response = RedirectResponse("/login?bye=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response

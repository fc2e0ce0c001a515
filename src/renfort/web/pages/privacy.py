"""Personal data (``/admin/privacy``, admin only): the retention of each kind, a purge
(counted first, then run), a customer's export and erasure, and the audit of all of them.

The same :class:`~renfort.services.privacy.PrivacyService` use cases as
``/api/v1/privacy`` and ``renfort privacy``; the customer reference is posted, never put
in an address.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError
from renfort.services.principals import Principal, Role
from renfort.web.pages.admin import tabs_for
from renfort.web.session import WebPrincipal
from renfort.web.support import PageForbiddenError, allow, check_origin, error_text, page

router = APIRouter(prefix="/admin/privacy", dependencies=[Depends(check_origin)])


def _operator(who: Principal) -> None:
    """The platform's operator only (an outsourcer manager has the other admin tabs)."""
    allow(who, "admin")
    if who.role is not Role.ADMIN:
        raise PageForbiddenError(who, "admin")


def _context(rt: Runtime, who: Principal) -> dict[str, Any]:
    return {"retention": rt.privacy.retention()["days"], "audit": rt.privacy.audit(who, 50)}


async def _show(request: Request, rt: Runtime, who: Principal, **extra: Any) -> HTMLResponse:
    context = await asyncio.to_thread(_context, rt, who)
    return page(request, "admin/privacy.html", who, "admin",
                {**context, "tabs": tabs_for(who), "kind": "privacy", **extra})


@router.get("")
async def privacy_page(request: Request, rt: RuntimeDep, who: WebPrincipal) -> HTMLResponse:
    _operator(who)
    return await _show(request, rt, who)


@router.post("/purge")
async def purge(request: Request, rt: RuntimeDep, who: WebPrincipal,
                mode: Annotated[str, Form()] = "count") -> HTMLResponse:
    """Count what a purge would erase now, or run it."""
    _operator(who)
    try:
        out = await asyncio.to_thread(rt.privacy.purge, who, dry_run=mode != "run")
    except RenfortError as error:
        return await _show(request, rt, who, error=error_text(error))
    return await _show(request, rt, who, purge=out)


@router.post("/export")
async def export(request: Request, rt: RuntimeDep, who: WebPrincipal,
                 customer_ref: Annotated[str, Form()] = "") -> Response:
    """Everything stored about a customer, as a JSON file (right of access)."""
    _operator(who)
    try:
        out = await asyncio.to_thread(rt.privacy.export, who, customer_ref)
    except RenfortError as error:
        return await _show(request, rt, who, error=error_text(error))
    return Response(json.dumps(out, ensure_ascii=False, indent=2),
                    media_type="application/json", headers={
                        "Content-Disposition": 'attachment; filename="export-client.json"',
                        "Cache-Control": "no-store"})


@router.post("/erase")
async def erase(request: Request, rt: RuntimeDep, who: WebPrincipal,
                customer_ref: Annotated[str, Form()] = "") -> HTMLResponse:
    """Erase a customer's personal data now (right to erasure)."""
    _operator(who)
    try:
        out = await asyncio.to_thread(rt.privacy.erase, who, customer_ref)
    except RenfortError as error:
        return await _show(request, rt, who, error=error_text(error))
    return await _show(request, rt, who, erased=out)

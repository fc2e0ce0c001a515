"""Privacy operations for the platform's operator (admin): retention purge, a customer's
export (right of access) and erasure (right to erasure), and their audit.

The customer reference travels in the body of a POST, never in a URL, so that it stays out
of access logs and browser histories.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import Body, Instant
from renfort.domain.clock import to_seconds
from renfort.services import access

router = APIRouter(prefix="/privacy", tags=["privacy"])


class PurgeRequest(Body):
    as_of: Instant | None = Field(default=None, description="purge as if it were then "
                                                            "(default: now)")
    dry_run: bool = Field(default=False, description="count only, change nothing")


class CustomerIn(Body):
    customer_ref: str = Field(min_length=1, max_length=200,
                              description="the reference exactly as it was recorded")


@router.get("/retention")
def retention(rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Days each kind of personal data is kept (``RENFORT_RETENTION_*_DAYS``)."""
    access.require(who)
    return rt.privacy.retention()


@router.post("/purge")
async def purge(body: PurgeRequest, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Erase what is past its retention (the service also does it once a day): counts per
    kind. Figures stay: contacts become anonymous rows, they are not deleted."""
    as_of = to_seconds(body.as_of) if body.as_of else None
    return await asyncio.to_thread(rt.privacy.purge, who, as_of=as_of, dry_run=body.dry_run)


@router.post("/export")
async def export(body: CustomerIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Everything stored about a customer reference: contacts, their history and messages,
    self-service conversations (audited)."""
    return await asyncio.to_thread(rt.privacy.export, who, body.customer_ref)


@router.post("/erase")
async def erase(body: CustomerIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Erase a customer's personal data now (audited); the contacts stay as anonymous
    rows for the figures."""
    return await asyncio.to_thread(rt.privacy.erase, who, body.customer_ref)


@router.get("/audit")
def audit(rt: RuntimeDep, who: PrincipalDep,
          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    """Purges, exports and erasures, newest first: who, when, what, how many rows."""
    return rt.privacy.audit(who, limit)

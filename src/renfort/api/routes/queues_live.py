"""Live statistics of a queue."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.services import stats
from renfort.services.catalog import KINDS, Catalog

router = APIRouter(prefix="/queues", tags=["queues"])


@router.get("/{ref}/stats")
async def queue_stats(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Waiting, oldest wait, answered/abandoned/service level today, agents by state."""
    queue = await asyncio.to_thread(Catalog(rt.engine).get, KINDS["queues"], who, ref)
    return await asyncio.to_thread(stats.queue_stats, rt.engine, rt.desk, rt.clock, who,
                                   queue["id"])

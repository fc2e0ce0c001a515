"""Changes to what the router is configured by, stored and then handed to the live desk.

Queues, contracts, clients' priorities, agents, waivers and home set-ups all change routing.
Every such change goes through here: the change is committed (by the catalog or telework
service), then the desk reloads its configuration before the caller is answered, so the
next routing decision already follows it. Routes and pages never reach the desk for this
themselves.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine

from renfort.domain.clock import Clock
from renfort.domain.model import WorkPlace
from renfort.services.agent_moves import AgentMoves
from renfort.services.catalog import Catalog, Kind
from renfort.services.desk import Desk
from renfort.services.principals import Principal
from renfort.services.telework import TeleworkService


class RoutingConfig:
    """Use cases that change routing configuration; each ends with the desk's reload."""

    def __init__(self, engine: Engine, clock: Clock, desk: Desk) -> None:
        self._engine = engine
        self._clock = clock
        self._desk = desk

    async def save(self, kind: Kind, who: Principal, data: dict[str, Any],
                   ref: str | None = None) -> dict[str, Any]:
        saved: dict[str, Any] = await asyncio.to_thread(Catalog(self._engine).save, kind, who,
                                                        data, ref)
        if kind.routing:
            await self._desk.reload_config()
        return saved

    async def delete(self, kind: Kind, who: Principal, ref: str) -> str:
        """Returns the id of what was deleted."""
        deleted: str = await asyncio.to_thread(Catalog(self._engine).delete, kind, who, ref)
        if kind.routing:
            await self._desk.reload_config()
        return deleted

    async def revoke_waiver(self, who: Principal, ref: str) -> dict[str, Any]:
        """Withdraw a waiver now: home agents get no new contact from its queues."""
        saved: dict[str, Any] = await asyncio.to_thread(
            Catalog(self._engine).revoke_waiver, who, ref, self._clock.now())
        await self._desk.reload_config()
        return saved

    async def set_home_setup(self, who: Principal, agent_ref: str,
                             items: dict[str, Any]) -> dict[str, Any]:
        """An agent's home set-up: an uncleared home agent is put on break at once."""
        service = TeleworkService(self._engine, self._clock)
        saved: dict[str, Any] = await asyncio.to_thread(service.set_home_setup, who,
                                                        agent_ref, items)
        await self._desk.reload_config()
        return saved

    async def move_agents(self, who: Principal, agents: list[str], to: WorkPlace,
                          site: str | None = None, dry_run: bool = False) -> dict[str, Any]:
        """Move a selection home or back to site; the desk reloads when someone moved."""
        service = AgentMoves(self._engine, self._clock)
        result: dict[str, Any] = await asyncio.to_thread(service.move, who, agents, to,
                                                         site, dry_run)
        if result["moved"] and not dry_run:
            await self._desk.reload_config()
        return result

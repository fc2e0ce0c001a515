"""The FastAPI application: routers under /api/v1, problem+json errors, the desk's life."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from renfort import __version__
from renfort.api import errors
from renfort.api.csrf import SameOriginMiddleware
from renfort.api.routes import (
    agents_live,
    auth,
    catalog,
    contacts,
    events,
    knowledge,
    measures,
    plans,
    privacy,
    queues_live,
    simulations,
    sites,
    telephony,
    telework,
)
from renfort.bootstrap import Runtime, build_runtime
from renfort.config import Settings
from renfort.domain.clock import Clock
from renfort.web.routes import install as install_pages

log = logging.getLogger("renfort.api")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app; the database schema must be up to date (``renfort db upgrade``)."""
    runtime = build_runtime(settings or Settings(), clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.desk.start()
        purge = asyncio.create_task(runtime.daily_purge.forever(), name="renfort-daily-purge")
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            purge.cancel()
            with suppress(asyncio.CancelledError):
                await purge
            await runtime.desk.stop()
            runtime.engine.dispose()

    app = FastAPI(
        title="Renfort",
        version=__version__,
        description="Crisis hotline through outsourced contact centers.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.ready = False
    errors.install(app)
    app.add_middleware(SameOriginMiddleware)

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """200 once the desk has rebuilt its state from the store and takes commands."""
        if not app.state.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__})

    for module in (auth, catalog, contacts, agents_live, queues_live, events, telephony,
                   plans, knowledge, simulations):
        app.include_router(module.router, prefix="/api/v1")
    for module in (sites, telework, measures, privacy):
        app.include_router(module.router, prefix="/api/v1")
    install_pages(app)
    return app


def get_runtime(app: FastAPI) -> Runtime:
    rt: Runtime = app.state.runtime
    return rt

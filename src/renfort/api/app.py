"""The FastAPI application: routers under /api/v1, problem+json errors, the desk's life."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from renfort import __version__
from renfort.api import docs, errors
from renfort.api.csrf import SameOriginMiddleware
from renfort.api.routes import (
    agents_live,
    auth,
    briefings,
    callbacks,
    catalog,
    consultations,
    contacts,
    events,
    knowledge,
    measures,
    plans,
    privacy,
    queues_live,
    reports,
    safety,
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
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _end_streams_on_stop(app: FastAPI, loop: asyncio.AbstractEventLoop) -> None:
    """Chain the server's stop-signal handlers with the end of the live event streams:
    uvicorn waits for open responses before it shuts the app down, and an event stream never
    finishes by itself. Only in the main thread (a test client runs elsewhere: no signals)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)

        def handler(number: int, frame: Any, previous: Any = previous) -> None:
            # A signal handler may run between any two bytecodes of the loop: hand the
            # change over the loop's own thread-safe way.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(app.state.ending.set)
            if callable(previous):
                previous(number, frame)

        signal.signal(sig, handler)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app; the database schema must be up to date (``renfort db upgrade``)."""
    runtime = build_runtime(settings or Settings(), clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ending = asyncio.Event()
        _end_streams_on_stop(app, asyncio.get_running_loop())
        await runtime.desk.start()
        runtime.telephony_out.start()
        purge = asyncio.create_task(runtime.daily_purge.forever(), name="renfort-daily-purge")
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            app.state.ending.set()
            await runtime.telephony_out.stop()
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
        docs_url=None,  # served by renfort.api.docs, without a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.ready = False
    errors.install(app)
    app.add_middleware(SameOriginMiddleware)

    def readiness() -> JSONResponse:
        if not app.state.ready:
            return JSONResponse({"status": "starting"}, status_code=503,
                                headers={"Retry-After": "2"})
        ending: asyncio.Event | None = getattr(app.state, "ending", None)
        if ending is not None and ending.is_set():
            return JSONResponse({"status": "stopping"}, status_code=503)
        desk = runtime.desk.readiness()
        if not desk["ready"]:
            return JSONResponse({"status": desk["state"], "reason": desk["reason"],
                                 "since": desk["since"], "role": desk["role"]},
                                status_code=503, headers={"Retry-After": "2"})
        return JSONResponse({"status": "ok", "version": __version__, "role": desk["role"]})

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """200 when the service takes commands: the desk rebuilt its state from the store and
        the store answers. 503 with the reason otherwise (starting, degraded, stopping)."""
        return readiness()

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        """Readiness (send traffic here?): the same answer as ``/healthz``."""
        return readiness()

    @app.get("/livez", tags=["health"])
    def livez() -> JSONResponse:
        """Liveness (restart this process?): 200 while the desk's writer, timer and
        supervisor run, even when the store is unreachable; 503 when one of them is dead."""
        live = runtime.desk.liveness() if app.state.ready else {"alive": True, "problems": []}
        return JSONResponse({"status": "alive" if live["alive"] else "dead",
                             "problems": live["problems"]},
                            status_code=200 if live["alive"] else 503)

    for module in (auth, catalog, contacts, agents_live, queues_live, events, telephony,
                   plans, knowledge, simulations, safety):
        app.include_router(module.router, prefix="/api/v1")
    for module in (sites, telework, measures, privacy, reports, callbacks, briefings,
                   consultations):
        app.include_router(module.router, prefix="/api/v1")
    docs.install(app)
    install_pages(app)
    return app


def get_runtime(app: FastAPI) -> Runtime:
    rt: Runtime = app.state.runtime
    return rt

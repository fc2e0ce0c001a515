"""``/docs`` (Swagger UI) with their scripts and sheets served by this process.

FastAPI's own pages load Swagger UI from a CDN, so an operator on a closed network (a
hotline's back office often is one) saw a blank page. The assets come from the
``fastapi-offline`` package (Swagger UI 5, which reads the OpenAPI 3.1 document FastAPI
writes); nothing is vendored here, a ``pip install -U`` upgrades them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS = Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI) -> None:
    """Serve ``/docs``; ``app`` was built with ``docs_url=None`` and ``redoc_url=None``
    so that FastAPI's CDN pages are not mounted (ReDoc fetches its logo from outside
    whatever its options: left out)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = "/docs/oauth2-redirect"
    title = f"{app.title} — API"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=redirect_url,
            # The validator badge asks an outside service about the document: never.
            swagger_ui_parameters={"validatorUrl": None})

    @app.get(redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

"""``/docs`` renders with the network cut: every request that leaves
127.0.0.1 is aborted (and recorded), as on a back office without internet access."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Route, expect

from tests.e2e.conftest import OpenPage

LOCAL = {"127.0.0.1", "localhost"}


def _cut_network(tab_page: object, outside: list[str]) -> None:
    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    tab_page.context.route("**/*", only_local)  # type: ignore[attr-defined]


def test_swagger_ui_renders_without_network(open_page: OpenPage) -> None:
    tab = open_page("docs")
    outside: list[str] = []
    _cut_network(tab.page, outside)
    page = tab.page
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Renfort")
    # The operations come from /openapi.json and are listed by tag.
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() > 50
    tab.shot("docs")
    assert outside == [], f"the documentation asked outside hosts: {outside}"

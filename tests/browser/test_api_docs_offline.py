"""Swagger UI and ReDoc come from the app itself (drf-spectacular-sidecar): with every request
to another host refused, as on a machine without internet, both still render the API."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# ReDoc's "API docs by Redocly" footer always tries this logo and hides it when it fails to load;
# nothing else may leave the machine.
REDOC_ATTRIBUTION_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def offline_page(chromium, live_server, request):
    """A page with the network blocked: only the live server on loopback answers. (Its own
    context: a full-page screenshot of ReDoc's very long page takes longer than the shared
    fixture's teardown allows, so these keep to the viewport.)"""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    refused = []

    def only_local(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page.refused = refused
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-end.png")
    context.close()


def test_swagger_ui_renders_offline(offline_page):
    page = offline_page
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("BetterBros Props API")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/prop-markets/").first
    ).to_be_visible()
    assert page.refused == []


def test_redoc_renders_offline(offline_page):
    page = offline_page
    page.goto("/api/v1/redoc/")
    expect(page.locator("h1", has_text="BetterBros Props API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/prop-markets/").first).to_be_attached()
    assert set(page.refused) <= {REDOC_ATTRIBUTION_LOGO}

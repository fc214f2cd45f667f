"""Playwright (sync API) driving Debian's headless Chromium against pytest-django's live server
on 127.0.0.1, on the real PostgreSQL test database. Screenshots go to test-artifacts/browser/."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = "/usr/bin/chromium"  # Debian's package (make browser installs it)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make browser does).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the test thread; Django would then
    # refuse the ORM calls the tests make (plain sync code). Allowed while the browser runs only,
    # so the rest of the suite keeps Django's async-safety checks.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-end.png", full_page=True)
    context.close()


@pytest.fixture
def staff(transactional_db):
    return StaffUserFactory(email="staff@betterbros.example")


@pytest.fixture
def staff_page(page, staff):
    """A page logged in to the admin through its login form."""
    log_in(page, staff.email, DEFAULT_PASSWORD)
    return page


def log_in(page, email, password):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def shot(page, name):
    """A screenshot of the page as it is now, kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

"""Shared fixtures. The suite runs on real PostgreSQL and Redis (see the Makefile's `test`)."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from .factories import StaffUserFactory, UserFactory

# Django's default PBKDF2 costs ~1M SHA-256 rounds per set_password/check_password; the suite
# hashes for every staff user and sign-in, so tests use MD5 (never in settings.py).
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test using any of these (or marked `django_db` or `services`) needs the suite's PostgreSQL
# (and, through the cache, Redis).
SERVICE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "live_server"})


def _services_configured():
    engine = settings.DATABASES["default"]["ENGINE"]
    return engine == "django.db.backends.postgresql" and bool(settings.REDIS_URL)


def _needs_services(item):
    if item.get_closest_marker("django_db") or item.get_closest_marker("services"):
        return True
    return not SERVICE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_addoption(parser):
    parser.addoption(
        "--no-services",
        action="store_true",
        help="deselect the tests that need PostgreSQL or Redis and run the rest without them",
    )


def pytest_configure(config):
    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    _own_redis_database_per_xdist_worker()


def _own_redis_database_per_xdist_worker():
    """Under pytest-xdist (`-n 2`) each worker has its own test database (pytest-django adds
    `_gwN`) and, here, its own Redis database: REDIS_URL's number plus N, since every test
    empties its cache. Set before the first cache access; the environment too, for the app
    servers and commands the tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    parts = urlsplit(settings.REDIS_URL)
    number = int(parts.path.strip("/") or 0) + int(worker[2:])
    url = urlunsplit(parts._replace(path=f"/{number}"))
    settings.REDIS_URL = url
    settings.CACHES["default"]["LOCATION"] = url
    os.environ["REDIS_URL"] = url


def pytest_collection_modifyitems(config, items):
    """Tests that touch no database (parsers, validators, settings, config files) run anywhere;
    any other selected test needs the real services, and the run refuses at once without them
    unless `--no-services` leaves those tests out."""
    if config.getoption("--no-services"):
        needing = [item for item in items if _needs_services(item)]
        items[:] = [item for item in items if not _needs_services(item)]
        config.hook.pytest_deselected(items=needing)
        return
    if _services_configured():
        return
    needing = [item.nodeid for item in items if _needs_services(item)]
    if needing:
        raise pytest.UsageError(
            f"{len(needing)} selected tests (e.g. {needing[0]}) run on real PostgreSQL and "
            "Redis: set DATABASE_URL and REDIS_URL (`make test` does), e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/betterbros "
            "REDIS_URL=redis://127.0.0.1:6379/1 — or run only the tests that need neither "
            "with `--no-services` (`make test-pure`)."
        )


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages link static files (admin, Swagger UI); the suite runs no collectstatic, so the
    manifest storage (the default with DEBUG off) could not name them. Start-up refuses to
    serve without the manifest (betterbros/startup_checks.py, tested in tests/ops)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _throttle_clock_stands_still(monkeypatch):
    """The API's throttle counts fixed windows aligned on the clock (betterbros/api/throttling.py):
    a test's requests that straddled a window's start would get a fresh allowance. Its clock
    stands still 10 s into a day (so into a window of every rate); tests of the windows
    themselves move it (tests/api/test_throttling.py)."""
    from betterbros.api.throttling import TierRateThrottle

    monkeypatch.setattr(TierRateThrottle, "timer", lambda self: 86_400 * 20_000 + 10.0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the test Redis database is the suite's own)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(db):
    """`client_for(user)`: a DRF API client authenticated as `user` (None: anonymous)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()

"""Shared fixtures. The suite runs on real PostgreSQL and Redis (see the Makefile's `test`)."""

import pytest
from django.conf import settings
from django.core.cache import cache

from .factories import StaffUserFactory, UserFactory


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql" or not settings.REDIS_URL:
        raise pytest.UsageError(
            "The tests run on real PostgreSQL and Redis: set DATABASE_URL and REDIS_URL "
            "(`make test` does), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/betterbros "
            "REDIS_URL=redis://127.0.0.1:6379/1"
        )


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages link static files (admin, Swagger UI); the suite runs no collectstatic, so the
    manifest storage (the default with DEBUG off) could not name them. Start-up refuses to
    serve without the manifest (betterbros/serving.py, tested in tests/ops)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the test Redis database is the suite's own)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory()

"""Fixtures of the operations tests: URLs of the test database, closed ports, own servers."""

import pytest
from django.db import connection

from .servers import RedisServer, free_port


def database_url(settings_dict, name=None):
    """A postgres:// URL for `settings_dict`'s server (and database `name`, default its own)."""
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or settings_dict['NAME']}"


@pytest.fixture
def test_database_url(db):
    """The URL of the test database (committed data only is visible through it)."""
    return database_url(connection.settings_dict)


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: connections to it are refused."""
    return free_port(6900)


@pytest.fixture
def own_redis():
    """A redis-server of the test's own on a free port ≥ 6390, killed at the end."""
    server = RedisServer(free_port(6390))
    server.start()
    yield server
    server.kill()

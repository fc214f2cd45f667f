"""API client fixtures: `api_client` (anonymous) and `client_for(user)` (authenticated)."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def user_client(client_for, user):
    return client_for(user)


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


@pytest.fixture(params=[True, False], ids=["fast-path", "no-fast-path"])
def board_fast_path(request, settings):
    """Runs a test with settings.BOARD_FAST_PATH on and off: the board list's compiled SQL, C
    timestamp loader and orjson rows, or the FilterSet, the ORM and Django's loader."""
    from django.db import connection

    from betterbros import pg_timestamps

    settings.BOARD_FAST_PATH = request.param
    if request.param:
        yield True
        return
    connection.ensure_connection()
    pg_timestamps.uninstall(connection)
    yield False
    if connection.connection is not None:
        pg_timestamps.install(connection)

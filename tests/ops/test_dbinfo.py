"""`manage.py dbinfo`: server version, database size and pool figures (or that there is none)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from .servers import app_environment, manage

# Runs the app's commands against the suite's PostgreSQL and Redis.
pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_reports_version_size_and_that_there_is_no_pool():
    out = StringIO()
    call_command("dbinfo", stdout=out)
    text = out.getvalue()
    assert f"Database:  {connection.settings_dict['NAME']} (default)" in text
    assert "Server:    PostgreSQL " in text
    assert "Pool:      none. No connection pool (DATABASE_POOL is off)" in text


@pytest.mark.django_db
def test_json_output_has_the_figures():
    out = StringIO()
    call_command("dbinfo", "--json", stdout=out)
    info = json.loads(out.getvalue())
    assert info["database"] == connection.settings_dict["NAME"]
    assert info["size_bytes"] > 0
    assert info["pool"]["enabled"] is False


def test_reports_the_pool_figures_with_a_pool(test_database_url):
    environment = app_environment(
        DATABASE_URL=test_database_url,
        DATABASE_POOL="true",
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_MAX_SIZE="4",
    )
    info = json.loads(manage("dbinfo", "--json", environment=environment).stdout)
    pool = info["pool"]
    assert pool["enabled"] is True
    assert (pool["min_size"], pool["max_size"]) == (2, 4)
    assert pool["in_use"] == 1  # the connection asking
    assert pool["in_use"] + pool["available"] == pool["size"]
    assert pool["waiting"] == 0


def test_fails_clearly_when_the_database_is_unreachable(closed_port):
    environment = app_environment(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/x")
    result = manage("dbinfo", environment=environment, check=False)
    assert result.returncode == 1
    assert "The database 'default' cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr

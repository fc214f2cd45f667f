"""Timestamps come back from PostgreSQL through psycopg's C loader, with Django's values."""

import datetime

import pytest
from django.db import connection
from psycopg.postgres import types
from psycopg.pq import Format

from betterbros import pg_timestamps
from betterbros.pg_timestamps import UtcTimestamptzLoader
from props.models import PropMarket
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db

TIMESTAMPTZ_OID = types["timestamptz"].oid


def test_connections_read_timestamptz_with_the_c_loader():
    connection.ensure_connection()

    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)

    assert loader is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        parser = UtcTimestamptzLoader(TIMESTAMPTZ_OID, cursor.cursor).parser
    assert type(parser).__module__ == "psycopg_binary._psycopg"


def test_django_cursors_keep_the_connections_loader():
    # Django's create_cursor installs its own timestamptz loader on each cursor unless the
    # connection's loader has the connection's `timezone` (a detail of Django's backend this
    # module relies on): fails if a Django upgrade changes that.
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)

    assert loader is UtcTimestamptzLoader


def test_without_the_fast_path_connections_keep_djangos_loader(settings):
    settings.BOARD_FAST_PATH = False
    connection.ensure_connection()
    pg_timestamps.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            cursor.execute("SELECT '2024-01-02 03:04:05.5+02'::timestamptz")
            (value,) = cursor.fetchone()
    finally:
        pg_timestamps.install(connection)

    assert loader is not UtcTimestamptzLoader
    assert value == datetime.datetime(2024, 1, 2, 1, 4, 5, 500000, tzinfo=datetime.UTC)


def test_timestamps_read_back_as_the_same_instant_in_utc():
    kickoff = datetime.datetime(
        2024, 9, 8, 13, 25, 7, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=-4))
    )
    market = PropMarketFactory(game_date=kickoff)

    game_date, created_at = PropMarket.objects.values_list("game_date", "created_at").get(
        pk=market.pk
    )

    assert game_date == kickoff
    assert game_date.tzinfo is datetime.UTC
    assert game_date.isoformat() == "2024-09-08T17:25:07.123456+00:00"
    assert created_at.tzinfo is datetime.UTC


def test_missing_timestamps_stay_none():
    market = PropMarketFactory(game_date=None)

    assert PropMarket.objects.values_list("game_date", flat=True).get(pk=market.pk) is None


def test_raw_cursors_get_the_same_loader():
    with connection.cursor() as cursor:
        cursor.execute("SELECT '2024-01-02 03:04:05.5+02'::timestamptz")
        (value,) = cursor.fetchone()

    assert value == datetime.datetime(2024, 1, 2, 1, 4, 5, 500000, tzinfo=datetime.UTC)

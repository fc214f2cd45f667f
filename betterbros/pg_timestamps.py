"""PostgreSQL timestamps parsed by psycopg's C loader instead of Django's Python one.

Django's PostgreSQL backend reads every `timestamptz` through `BaseTzLoader`
(django/db/backends/postgresql/psycopg_any.py), a subclass of psycopg's pure-Python loader that
relabels each value with the connection's time zone. A page of 100 prop markets carries 300
timestamps, a noticeable share of the list's CPU (figures in BENCHMARKS.md). On connections
whose time zone is UTC (USE_TZ with TIME_ZONE "UTC", as this project runs) this loader parses
with psycopg's fastest loader and returns the same values: aware datetimes in
`datetime.timezone.utc`. Part of the board fast path: installed only with
settings.BOARD_FAST_PATH on.

It leans on one detail of Django's PostgreSQL backend (`create_cursor` keeps the connection's
timestamptz loader when that loader's `timezone` is the connection's): recorded in docs/DESIGN-
NOTES.md, and `tests/perf/test_pg_timestamps.py` fails if Django changes it.
"""

import datetime
import weakref

from django.conf import settings
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format

UTC = datetime.UTC
TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid


class UtcTimestamptzLoader(Loader):
    # Django's create_cursor compares this attribute with the connection's time zone and, when
    # they agree, keeps the connection's loader instead of installing its own on the cursor.
    timezone = UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        # psycopg's own loader: its C implementation when psycopg[binary] is installed.
        self.parser = adapters.get_loader(oid, Format.TEXT)(oid, context)
        self._parse = self.parser.load

    def load(self, data):
        return self._parse(data).astimezone(UTC)


# The loader each psycopg connection had before `install` (Django's), for `uninstall`.
_replaced = weakref.WeakKeyDictionary()


def use_c_timestamp_loader(sender, connection, **kwargs):
    """`connection_created` receiver: install the loader on new UTC PostgreSQL connections
    while the board fast path is on."""
    if settings.BOARD_FAST_PATH and connection.vendor == "postgresql":
        install(connection)


def install(connection):
    """Read the timestamptz of Django `connection` (PostgreSQL) with the C loader, if its
    time zone is UTC."""
    if connection.timezone != UTC:
        return
    loaders = connection.connection.adapters
    previous = loaders.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if previous is not UtcTimestamptzLoader:
        _replaced[connection.connection] = previous
        loaders.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)


def uninstall(connection):
    """Give Django `connection` back the timestamptz loader it had before `install`."""
    previous = _replaced.pop(connection.connection, None)
    if previous is not None:
        connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, previous)

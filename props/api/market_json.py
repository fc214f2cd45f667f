"""The hot list's rows, read for orjson with psycopg's own loaders.

The ORM compiles the page's query (the same queryset the API built), but on PostgreSQL the rows
are read straight from the cursor: timestamptz through the connection's C loader
(`betterbros/pg_timestamps.py`) and `extra_metadata` left as the JSON text PostgreSQL sent,
embedded unparsed with `orjson.Fragment`. The rows have the keys and values of
`props.selectors.market_rows`; on other databases they are exactly its rows.
"""

import sys

import orjson
import psycopg
from django.db import connections

from ..selectors import MARKET_KEYS, market_rows, market_tuples

_JSON_POSITION = MARKET_KEYS.index("extra_metadata")


def market_json_rows(queryset):
    """The markets of `queryset` as dicts of MARKET_KEYS, ready for orjson; one query."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return market_rows(queryset)
    sql, params = market_tuples(queryset).query.sql_with_params()
    return json_rows(connection, sql, params)


def json_rows(connection, sql, params, *, prepared=False):
    """The rows of `sql` (a compiled `market_tuples` query) on PostgreSQL `connection`;
    `prepared` runs it as a server-side prepared statement (see `PreparedStatementCursor`),
    except while queries are logged (DEBUG, tests capturing queries): Django logs a statement's
    SQL with its values only from its own client-binding cursors."""
    prepared = prepared and not connection.queries_logged
    with prepared_cursor(connection) if prepared else connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        row = dict(zip(MARKET_KEYS, values, strict=True))
        row["extra_metadata"] = orjson.Fragment(values[_JSON_POSITION])
        rows.append(row)
    return rows


class PreparedStatementCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares each statement on first use, as the
    benchmark's floor does: PostgreSQL then plans the hot board query once per connection
    instead of on every request. Django's own cursors bind on the client and never prepare
    (which keeps transaction-mode connection poolers working); use this one only for a few
    fixed statements, and only where a generic plan is as good as a custom one."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor(connection):
    """A Django cursor (health check, execute wrappers, query logging) over a
    `PreparedStatementCursor` of `connection`."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (None); explicit prepare=True needs it on. A
        # threshold no count reaches keeps every other statement unprepared (Django's client-
        # binding cursors never prepare anyway).
        raw.prepare_threshold = sys.maxsize
    with connection.wrap_database_errors:
        return connection._prepare_cursor(PreparedStatementCursor(raw))

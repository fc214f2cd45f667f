"""The prop-market rows of the API's reads, as dicts of `props.selectors.MARKET_KEYS`.

With the board fast path on (settings.BOARD_FAST_PATH) and on PostgreSQL, the ORM compiles the
query but the rows are read straight from the cursor: timestamptz through the connection's C
loader (`betterbros/pg_timestamps.py`) and `extra_metadata` left as the JSON text PostgreSQL
sent, embedded unparsed with `orjson.Fragment`; the board's page runs as a server-side prepared
statement, as the benchmark's floor does (PostgreSQL plans it once per connection, not on every
request). Otherwise they are `market_rows`' rows (the ORM's values), which the fast path's rows
equal once serialized.
"""

import sys

import orjson
import psycopg
from django.conf import settings
from django.db import connections

from ..selectors import MARKET_KEYS, market_rows, market_tuples

_JSON_POSITION = MARKET_KEYS.index("extra_metadata")


def reads_rows_directly(connection) -> bool:
    return settings.BOARD_FAST_PATH and connection.vendor == "postgresql"


def market_json_rows(queryset):
    """The markets of `queryset` as dicts of MARKET_KEYS, ready for orjson; one query."""
    connection = connections[queryset.db]
    if not reads_rows_directly(connection):
        return market_rows(queryset)
    sql, params = market_tuples(queryset).query.sql_with_params()
    return json_rows(connection, sql, params)


def json_rows(connection, sql, params, *, prepared=False):
    """The rows of `sql` (a compiled `market_tuples` query) on PostgreSQL `connection`;
    `prepared` runs it as a prepared statement, except while queries are logged (DEBUG, tests
    capturing queries): Django logs only what its own cursors run."""
    if prepared and not connection.queries_logged:
        fetched = _fetch_prepared(connection, sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        row = dict(zip(MARKET_KEYS, values, strict=True))
        row["extra_metadata"] = orjson.Fragment(values[_JSON_POSITION])
        rows.append(row)
    return rows


def _fetch_prepared(connection, sql, params):
    """All rows of `sql`, prepared on first use on this connection, by psycopg's documented
    means: a server-binding `psycopg.Cursor` and `execute(prepare=True)`. Django's own cursors
    bind on the client and never prepare (which keeps transaction-mode poolers working), and
    Django turns psycopg's automatic preparing off (`prepare_threshold` None); a threshold no
    count reaches allows the explicit `prepare=True` and nothing else."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = sys.maxsize
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()

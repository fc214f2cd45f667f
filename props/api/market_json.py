"""The hot list's rows, read for orjson with psycopg's own loaders.

The ORM compiles the page's query (the same queryset the API built), but on PostgreSQL the rows
are read straight from the cursor: timestamptz through the connection's C loader
(`betterbros/pg_timestamps.py`) and `extra_metadata` left as the JSON text PostgreSQL sent,
embedded unparsed with `orjson.Fragment`. The rows have the keys and values of
`props.selectors.market_rows`; on other databases they are exactly its rows.
"""

import orjson
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


def json_rows(connection, sql, params):
    """The rows of `sql` (a compiled `market_tuples` query) on PostgreSQL `connection`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = []
    for values in fetched:
        row = dict(zip(MARKET_KEYS, values, strict=True))
        row["extra_metadata"] = orjson.Fragment(values[_JSON_POSITION])
        rows.append(row)
    return rows

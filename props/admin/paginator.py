"""A changelist paginator for tables too big to COUNT on every page view."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact COUNT is cheap, so it is always exact.
EXACT_COUNT_LIMIT = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to EXACT_COUNT_LIMIT rows and estimates beyond.

    Unfiltered, a table's size comes from PostgreSQL's statistics (pg_class.reltuples, kept by
    autovacuum/ANALYZE) instead of a COUNT that reads the whole table. Filtered, at most
    EXACT_COUNT_LIMIT + 1 matching rows are counted; past that, the planner's row estimate is
    used. `is_estimate` tells the template to say "about". Other databases count exactly.
    """

    is_estimate = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = table_row_estimate(queryset)
            if estimate > EXACT_COUNT_LIMIT:
                self.is_estimate = True
                return estimate
        bounded = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if bounded <= EXACT_COUNT_LIMIT:
            return bounded
        self.is_estimate = True
        return max(planner_row_estimate(queryset), bounded)


def table_row_estimate(queryset) -> int:
    """The table's row count from pg_class (-1 when the table was never analyzed)."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else -1


def planner_row_estimate(queryset) -> int:
    """How many rows PostgreSQL's planner expects the query to return (EXPLAIN, not run)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])

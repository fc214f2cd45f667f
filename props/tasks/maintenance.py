"""Database upkeep and derived figures that must not be built inside a web request.

`ANALYZE` of the market tables after a large write (a capture, a ≥10k-row import) takes
seconds at a million markets: it is queued after the write commits and a worker runs it
(eagerly in-process when no broker is configured). The admin dashboard's figures are rebuilt
the same way when the boards have changed.
"""

from celery import shared_task
from django.db import connection, transaction

from ..history import HISTORY_TABLE, MARKET_TABLE

# The tables a task may ANALYZE (names reach SQL, so only these).
ANALYZABLE = (MARKET_TABLE, HISTORY_TABLE)


@shared_task(ignore_result=True)
def analyze_tables(tables):
    """Refresh the planner's statistics of `tables`, so that plans and the lists' estimates
    count rows a large write added."""
    unknown = set(tables) - set(ANALYZABLE)
    if unknown:
        raise ValueError(f"Not a table this task analyzes: {sorted(unknown)}")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(f'"{table}"' for table in tables))


def analyze_after_commit(tables=ANALYZABLE):
    """Queue `analyze_tables` once the current transaction commits (at once outside one)."""
    tables = list(tables)
    transaction.on_commit(lambda: analyze_tables.delay(tables))


@shared_task(ignore_result=True)
def refresh_admin_dashboard():
    """Rebuild the admin index's dashboard figures (props.admin.dashboard) after the boards
    changed, so the index page shows cached figures instead of aggregating a million rows."""
    from ..admin.dashboard import refresh_dashboard

    refresh_dashboard()

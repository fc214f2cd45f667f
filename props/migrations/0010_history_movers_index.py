"""Indexes for line movement (props/movement.py) at a million markets with several history rows
each:

- the movers of one board: the live board's history rows of a league/week since a time, read
  from a partial covering index (no heap visits once the table is vacuumed);
- each moved market's last version before that time, and one market's history oldest first
  (`GET /api/v1/prop-markets/{id}/history/`): (id, history_date, history_id) with the line and
  odds included.

SQL, as in 0008: the history table is django-simple-history's generated model (PostgreSQL only).
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

FORWARDS = r"""
CREATE INDEX IF NOT EXISTS prop_markets_history_movers_idx
    ON prop_markets_history (league, week, history_date)
    INCLUDE (id, history_id, line, odds, platform, market_type)
    WHERE snapshot_id IS NULL;
CREATE INDEX IF NOT EXISTS prop_markets_history_market_date_idx
    ON prop_markets_history (id, history_date, history_id) INCLUDE (line, odds);
ANALYZE prop_markets_history;
"""

BACKWARDS = r"""
DROP INDEX IF EXISTS prop_markets_history_movers_idx;
DROP INDEX IF EXISTS prop_markets_history_market_date_idx;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("props", "0009_feed_sources_and_import_runs"),
    ]

    operations = [RunSQLOnPostgreSQL(FORWARDS, BACKWARDS)]

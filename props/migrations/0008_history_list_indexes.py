"""Indexes for the all-changes list of prop markets (`props.admin.history`) at a million
history rows: newest first, alone or within a league/week, a platform or a staff member's
changes (each an index range read in that order, stopped after one page); search by any part
of a player's name (the pg_trgm GIN index over `props_search_key`, as on prop_markets, migration
0007); and one market's versions in order, which also gives each listed row its previous
version (old → new) by one index probe.

The history table is django-simple-history's generated model, which has no Meta of ours to
declare indexes on, so they are SQL here (PostgreSQL only; SQLite needs none for `make run`).
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

FORWARDS = r"""
CREATE INDEX IF NOT EXISTS prop_markets_history_date_idx
    ON prop_markets_history (history_date, history_id);
CREATE INDEX IF NOT EXISTS prop_markets_history_board_date_idx
    ON prop_markets_history (league, week, history_date, history_id);
CREATE INDEX IF NOT EXISTS prop_markets_history_platform_date_idx
    ON prop_markets_history (platform, history_date, history_id);
CREATE INDEX IF NOT EXISTS prop_markets_history_user_date_idx
    ON prop_markets_history (history_user_id, history_date, history_id);
CREATE INDEX IF NOT EXISTS prop_markets_history_market_idx
    ON prop_markets_history (id, history_id);
CREATE INDEX IF NOT EXISTS prop_markets_history_player_search_idx
    ON prop_markets_history USING gin (props_search_key(player_name) gin_trgm_ops);
ANALYZE prop_markets_history;
"""

BACKWARDS = r"""
DROP INDEX IF EXISTS prop_markets_history_date_idx;
DROP INDEX IF EXISTS prop_markets_history_board_date_idx;
DROP INDEX IF EXISTS prop_markets_history_platform_date_idx;
DROP INDEX IF EXISTS prop_markets_history_user_date_idx;
DROP INDEX IF EXISTS prop_markets_history_market_idx;
DROP INDEX IF EXISTS prop_markets_history_player_search_idx;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("props", "0007_player_name_search"),
    ]

    operations = [RunSQLOnPostgreSQL(FORWARDS, BACKWARDS)]

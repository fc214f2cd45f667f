"""Each history row of a prop market carries its previous version, so the movers of a window
(props/movement.py) need no probe per market for the version before the window:

- `prev_line`, `prev_odds`, `prev_history_date`: the line, odds and date of the market's
  version just before this one in (history_date, history_id) order; NULL for its first;
- `version_number`: 1 for the market's first version, the previous version's + 1 after it;
  NULL while not known (rows written before this migration, until
  `manage.py backfill_history_versions` has run; movers stay exact for them, only slower).

A BEFORE INSERT trigger fills them, so every write path does, whatever writes the row
(django-simple-history's signals, props/history.py's set-based statements, the importer's
merge, raw SQL). The columns are PostgreSQL's only (like the lock trigger of 0002/0006): the
Django model does not declare them, SQLite's development database has none, and the ORM never
reads them. Adding nullable columns without a default does not rewrite the table; the new
covering index is built CONCURRENTLY (this migration is not atomic), then the old one dropped.
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

COLUMNS = r"""
ALTER TABLE prop_markets_history
    ADD COLUMN IF NOT EXISTS prev_line double precision,
    ADD COLUMN IF NOT EXISTS prev_odds double precision,
    ADD COLUMN IF NOT EXISTS prev_history_date timestamp with time zone,
    ADD COLUMN IF NOT EXISTS version_number integer;
"""

DROP_COLUMNS = r"""
ALTER TABLE prop_markets_history
    DROP COLUMN IF EXISTS prev_line,
    DROP COLUMN IF EXISTS prev_odds,
    DROP COLUMN IF EXISTS prev_history_date,
    DROP COLUMN IF EXISTS version_number;
"""

# One index probe of (id, history_date, history_id) per inserted row: the version before the
# new one. Rows a statement inserted earlier are visible to it (a BEFORE ROW trigger's queries
# see the outer command's previous rows), though set-based writes insert one row per market.
TRIGGER = r"""
CREATE OR REPLACE FUNCTION props_history_previous_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    previous record;
BEGIN
    SELECT h.line, h.odds, h.history_date, h.version_number INTO previous
      FROM prop_markets_history h
     WHERE h.id = NEW.id
       AND (h.history_date, h.history_id) < (NEW.history_date, NEW.history_id)
     ORDER BY h.history_date DESC, h.history_id DESC
     LIMIT 1;
    IF FOUND THEN
        NEW.prev_line := previous.line;
        NEW.prev_odds := previous.odds;
        NEW.prev_history_date := previous.history_date;
        NEW.version_number := previous.version_number + 1;
    ELSE
        NEW.prev_line := NULL;
        NEW.prev_odds := NULL;
        NEW.prev_history_date := NULL;
        NEW.version_number := 1;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS prop_markets_history_previous_version ON prop_markets_history;
CREATE TRIGGER prop_markets_history_previous_version
    BEFORE INSERT ON prop_markets_history
    FOR EACH ROW EXECUTE FUNCTION props_history_previous_version();
"""

DROP_TRIGGER = r"""
DROP TRIGGER IF EXISTS prop_markets_history_previous_version ON prop_markets_history;
DROP FUNCTION IF EXISTS props_history_previous_version();
"""

WINDOW_INDEX = r"""
CREATE INDEX CONCURRENTLY IF NOT EXISTS prop_markets_history_window_idx
    ON prop_markets_history (league, week, history_date)
    INCLUDE (id, history_id, line, odds, platform, market_type,
             prev_line, prev_odds, prev_history_date, version_number)
    WHERE snapshot_id IS NULL;
"""

OLD_INDEX = r"""
CREATE INDEX CONCURRENTLY IF NOT EXISTS prop_markets_history_movers_idx
    ON prop_markets_history (league, week, history_date)
    INCLUDE (id, history_id, line, odds, platform, market_type)
    WHERE snapshot_id IS NULL;
"""


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY

    dependencies = [
        ("props", "0011_background_jobs"),
    ]

    # One statement per operation: CONCURRENTLY cannot run inside a multi-statement string.
    operations = [
        RunSQLOnPostgreSQL(COLUMNS, DROP_COLUMNS),
        RunSQLOnPostgreSQL(TRIGGER, DROP_TRIGGER),
        RunSQLOnPostgreSQL(
            WINDOW_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS prop_markets_history_window_idx;"
        ),
        RunSQLOnPostgreSQL(
            "DROP INDEX CONCURRENTLY IF EXISTS prop_markets_history_movers_idx;", OLD_INDEX
        ),
        RunSQLOnPostgreSQL("ANALYZE prop_markets_history;", migrations.RunSQL.noop),
    ]

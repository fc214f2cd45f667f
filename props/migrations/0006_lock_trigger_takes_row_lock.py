"""The prop-market lock trigger reads the snapshot row FOR SHARE.

Without a row lock, a writer that skips `ensure_unlocked` (raw SQL, a bare bulk insert) could
read the snapshot as unlocked while `lock_snapshot` was committing and write after the lock.
FOR SHARE waits for a concurrent lock to commit and then sees it, so the write is refused.
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

FUNCTION = r"""
CREATE OR REPLACE FUNCTION props_refuse_locked_market_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    slug text;
    locked boolean;
    locked_slug text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.snapshot_id IS NOT NULL THEN
        SELECT snapshot_id, is_locked INTO slug, locked FROM snapshots
         WHERE id = OLD.snapshot_id FOR SHARE;
        IF locked THEN
            locked_slug := slug;
        END IF;
    END IF;
    IF locked_slug IS NULL AND TG_OP IN ('INSERT', 'UPDATE') AND NEW.snapshot_id IS NOT NULL THEN
        SELECT snapshot_id, is_locked INTO slug, locked FROM snapshots
         WHERE id = NEW.snapshot_id FOR SHARE;
        IF locked THEN
            locked_slug := slug;
        END IF;
    END IF;
    IF locked_slug IS NOT NULL THEN
        RAISE EXCEPTION 'Snapshot ''%'' is locked: its prop markets cannot be changed.', locked_slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'snapshot_locked',
                  TABLE = 'prop_markets', DETAIL = locked_slug;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
"""

PREVIOUS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION props_refuse_locked_market_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    locked_slug text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.snapshot_id IS NOT NULL THEN
        SELECT snapshot_id INTO locked_slug FROM snapshots
         WHERE id = OLD.snapshot_id AND is_locked;
    END IF;
    IF locked_slug IS NULL AND TG_OP IN ('INSERT', 'UPDATE') AND NEW.snapshot_id IS NOT NULL THEN
        SELECT snapshot_id INTO locked_slug FROM snapshots
         WHERE id = NEW.snapshot_id AND is_locked;
    END IF;
    IF locked_slug IS NOT NULL THEN
        RAISE EXCEPTION 'Snapshot ''%'' is locked: its prop markets cannot be changed.', locked_slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'snapshot_locked',
                  TABLE = 'prop_markets', DETAIL = locked_slug;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("props", "0005_json_validators_see_empty_values")]

    operations = [RunSQLOnPostgreSQL(sql=FUNCTION, reverse_sql=PREVIOUS_FUNCTION)]

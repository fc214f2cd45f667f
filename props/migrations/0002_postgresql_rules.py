"""Rules only PostgreSQL can enforce: JSON shapes and the snapshot lock.

The lock trigger makes a locked snapshot immutable below the ORM, so QuerySet.update(), bulk
imports and raw SQL cannot bypass it: INSERT/UPDATE/DELETE of a locked snapshot's prop markets
is refused, and so is any change to a locked snapshot other than unlocking it. Refusals are
check_violation errors naming the constraint `snapshot_locked`, which Django raises as
IntegrityError; `props.services.errors.lock_violation_slug` recognises them and the writers
raise SnapshotLocked naming the snapshot.
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

JSON_CHECKS = [
    ("snapshots", "snapshots_config_is_object", "jsonb_typeof(config) = 'object'"),
    ("snapshots", "snapshots_tags_is_array", "jsonb_typeof(tags) = 'array'"),
    (
        "prop_markets",
        "prop_markets_extra_metadata_is_object",
        "jsonb_typeof(extra_metadata) = 'object'",
    ),
    ("experiments", "experiments_metrics_is_object", "jsonb_typeof(metrics) = 'object'"),
    (
        "saved_slips",
        "saved_slips_legs_non_empty",
        "CASE WHEN jsonb_typeof(legs) = 'array' THEN jsonb_array_length(legs) >= 1 ELSE false END",
    ),
    (
        "saved_slips",
        "saved_slips_correlations_is_matrix",
        "correlations IS NULL OR jsonb_typeof(correlations) = 'array'",
    ),
    ("saved_slips", "saved_slips_tags_is_array", "jsonb_typeof(tags) = 'array'"),
]

LOCK_TRIGGER = r"""
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

CREATE TRIGGER prop_markets_refuse_locked
    BEFORE INSERT OR UPDATE OR DELETE ON prop_markets
    FOR EACH ROW EXECUTE FUNCTION props_refuse_locked_market_change();

CREATE OR REPLACE FUNCTION props_refuse_locked_snapshot_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lock_columns text[] := ARRAY['is_locked', 'locked_at', 'locked_by_id'];
BEGIN
    IF NOT OLD.is_locked THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    -- Allowed on a locked snapshot: unlocking it (touching only the lock columns), and the
    -- FK's SET NULL of locked_by when the user who locked it is deleted.
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - lock_columns) = (to_jsonb(OLD) - lock_columns)
       AND (NOT NEW.is_locked
            OR (NEW.locked_at = OLD.locked_at
                AND (NEW.locked_by_id IS NULL
                     OR NEW.locked_by_id IS NOT DISTINCT FROM OLD.locked_by_id))) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Snapshot ''%'' is locked: it cannot be changed or deleted until unlocked.',
        OLD.snapshot_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'snapshot_locked',
              TABLE = 'snapshots', DETAIL = OLD.snapshot_id;
END;
$$;

CREATE TRIGGER snapshots_refuse_locked
    BEFORE UPDATE OR DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION props_refuse_locked_snapshot_change();
"""

DROP_LOCK_TRIGGER = """
DROP TRIGGER IF EXISTS snapshots_refuse_locked ON snapshots;
DROP FUNCTION IF EXISTS props_refuse_locked_snapshot_change();
DROP TRIGGER IF EXISTS prop_markets_refuse_locked ON prop_markets;
DROP FUNCTION IF EXISTS props_refuse_locked_market_change();
"""


class Migration(migrations.Migration):
    dependencies = [("props", "0001_initial")]

    operations = [
        *(
            RunSQLOnPostgreSQL(
                sql=f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition})",
                reverse_sql=f"ALTER TABLE {table} DROP CONSTRAINT {name}",
            )
            for table, name, condition in JSON_CHECKS
        ),
        RunSQLOnPostgreSQL(sql=LOCK_TRIGGER, reverse_sql=DROP_LOCK_TRIGGER),
    ]

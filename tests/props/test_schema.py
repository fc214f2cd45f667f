"""The migrated PostgreSQL schema has every table, column and index of the seed design."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

SEED_COLUMNS = {
    "users": """id clerk_user_id supabase_user_id email username subscription_tier
        subscription_status is_active created_at updated_at""",
    "snapshots": "id snapshot_id week league config features_path model_version is_locked "
    "created_at game_date",
    "experiments": "id user_id snapshot_id timestamp week league risk_mode bankroll metrics status",
    "saved_slips": "id user_id snapshot_id legs ev variance var_95 stake correlations is_placed "
    "created_at",
    "prop_markets": "id snapshot_id week league player_name team market_type line odds platform "
    "is_active created_at",
}

# Every index the seed lists, as the leading columns an index must have.
SEED_INDEXES = {
    "users": [["email"], ["clerk_user_id"], ["supabase_user_id"],
              ["subscription_tier", "subscription_status"]],
    "snapshots": [["snapshot_id"], ["week", "league"], ["created_at"], ["game_date"]],
    "experiments": [["user_id"], ["snapshot_id"], ["week", "league"], ["timestamp"], ["status"]],
    "saved_slips": [["user_id"], ["snapshot_id"], ["created_at"], ["ev"], ["is_placed"]],
    "prop_markets": [["week", "league"], ["player_name"], ["market_type"], ["platform"],
                     ["is_active"], ["week", "league", "player_name"], ["platform", "is_active"],
                     ["snapshot_id"], ["game_date"]],
}  # fmt: skip


def columns_of(table):
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def index_column_lists(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]


def column_type(table, column):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [table, column],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("table", SEED_COLUMNS)
def test_seed_table_has_every_seed_column(table):
    missing = set(SEED_COLUMNS[table].split()) - columns_of(table)
    assert not missing


@pytest.mark.parametrize(
    ("table", "leading"), [(t, cols) for t, lists in SEED_INDEXES.items() for cols in lists]
)
def test_seed_index_exists(table, leading):
    assert any(cols[: len(leading)] == leading for cols in index_column_lists(table))


@pytest.mark.parametrize("table", SEED_COLUMNS)
def test_primary_keys_are_uuid(table):
    assert column_type(table, "id") == "uuid"


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("users", "user_metadata"),
        ("snapshots", "config"),
        ("snapshots", "tags"),
        ("experiments", "metrics"),
        ("saved_slips", "legs"),
        ("saved_slips", "correlations"),
        ("prop_markets", "extra_metadata"),
    ],
)
def test_json_columns_are_jsonb(table, column):
    assert column_type(table, column) == "jsonb"


@pytest.mark.parametrize(
    ("table", "column"),
    [("users", "created_at"), ("snapshots", "created_at"), ("prop_markets", "updated_at"),
     ("experiments", "timestamp"), ("saved_slips", "placed_at")],
)  # fmt: skip
def test_timestamps_are_timezone_aware(table, column):
    assert column_type(table, column) == "timestamp with time zone"

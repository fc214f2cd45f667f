"""Each CHECK and UNIQUE rule is enforced by PostgreSQL itself: the writes below go around the
model's Python validation (QuerySet.update / raw SQL) and must be refused by the database."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from props.models import Experiment, PropMarket, SavedSlip, Snapshot
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
)

pytestmark = pytest.mark.django_db

NAN, INF = float("nan"), float("inf")


def violated_constraint(write):
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        write()
    return info.value.__cause__.diag.constraint_name


CHECKS = [
    (SnapshotFactory, Snapshot, {"league": "XFL"}, "snapshots_league_valid"),
    (SnapshotFactory, Snapshot, {"week": -1}, "snapshots_week_range"),
    (SnapshotFactory, Snapshot, {"week": 61}, "snapshots_week_range"),
    (SnapshotFactory, Snapshot, {"season": 1800}, "snapshots_season_range"),
    (SnapshotFactory, Snapshot, {"is_locked": True}, "snapshots_locked_has_time"),
    (PropMarketFactory, PropMarket, {"league": "CBB"}, "prop_markets_league_valid"),
    (PropMarketFactory, PropMarket, {"sport": "golf"}, "prop_markets_sport_valid"),
    (PropMarketFactory, PropMarket, {"platform": "nowhere"}, "prop_markets_platform_valid"),
    (PropMarketFactory, PropMarket, {"week": 99}, "prop_markets_week_range"),
    (PropMarketFactory, PropMarket, {"season": 3000}, "prop_markets_season_range"),
    (PropMarketFactory, PropMarket, {"line": -0.5}, "prop_markets_line_range"),
    (PropMarketFactory, PropMarket, {"line": NAN}, "prop_markets_line_range"),
    (PropMarketFactory, PropMarket, {"line": INF}, "prop_markets_line_range"),
    (PropMarketFactory, PropMarket, {"odds": 1.0}, "prop_markets_odds_decimal"),
    (PropMarketFactory, PropMarket, {"odds": -50}, "prop_markets_odds_decimal"),
    (PropMarketFactory, PropMarket, {"odds": NAN}, "prop_markets_odds_decimal"),
    (PropMarketFactory, PropMarket, {"player_name": ""}, "prop_markets_player_name_set"),
    (PropMarketFactory, PropMarket, {"market_type": ""}, "prop_markets_market_type_set"),
    (PropMarketFactory, PropMarket, {"external_id": ""}, "prop_markets_external_id_not_empty"),
    (ExperimentFactory, Experiment, {"league": "MLS"}, "experiments_league_valid"),
    (ExperimentFactory, Experiment, {"risk_mode": "yolo"}, "experiments_risk_mode_valid"),
    (ExperimentFactory, Experiment, {"status": "paused"}, "experiments_status_valid"),
    (ExperimentFactory, Experiment, {"week": 61}, "experiments_week_range"),
    (ExperimentFactory, Experiment, {"bankroll": 0}, "experiments_bankroll_positive"),
    (ExperimentFactory, Experiment, {"bankroll": -10}, "experiments_bankroll_positive"),
    (ExperimentFactory, Experiment, {"bankroll": NAN}, "experiments_bankroll_positive"),
    (ExperimentFactory, Experiment, {"num_props": -1}, None),
    (ExperimentFactory, Experiment, {"num_slips": -1}, None),
    (SavedSlipFactory, SavedSlip, {"stake": -1}, "saved_slips_stake_non_negative"),
    (SavedSlipFactory, SavedSlip, {"variance": -0.1}, "saved_slips_variance_non_negative"),
    (SavedSlipFactory, SavedSlip, {"ev": INF}, "saved_slips_ev_finite"),
    (SavedSlipFactory, SavedSlip, {"var_95": NAN}, "saved_slips_var_95_finite"),
    (SavedSlipFactory, SavedSlip, {"platform": "nowhere"}, "saved_slips_platform_valid"),
    (SavedSlipFactory, SavedSlip, {"is_placed": True}, "saved_slips_placed_has_time"),
    (
        SavedSlipFactory,
        SavedSlip,
        {"placed_at": timezone.now()},
        "saved_slips_placed_has_time",
    ),
]


@pytest.mark.parametrize(
    ("factory", "model", "values", "constraint"),
    CHECKS,
    ids=[f"{c[1].__name__}-{next(iter(c[2]))}-{c[3]}" for c in CHECKS],
)
def test_database_rejects_values_breaking_a_check(factory, model, values, constraint):
    row = factory()
    name = violated_constraint(lambda: model.objects.filter(pk=row.pk).update(**values))
    if constraint is not None:
        assert name == constraint
    else:  # PositiveIntegerField's own CHECK, named by Django
        assert name.endswith("_check")


JSON_CHECKS = [
    ("snapshots", "config", "[1]", "snapshots_config_is_object", SnapshotFactory),
    ("snapshots", "tags", '{"a": 1}', "snapshots_tags_is_array", SnapshotFactory),
    (
        "prop_markets",
        "extra_metadata",
        '"text"',
        "prop_markets_extra_metadata_is_object",
        PropMarketFactory,
    ),
    ("experiments", "metrics", "[0.1]", "experiments_metrics_is_object", ExperimentFactory),
    ("saved_slips", "legs", "[]", "saved_slips_legs_non_empty", SavedSlipFactory),
    ("saved_slips", "legs", '{"player": "x"}', "saved_slips_legs_non_empty", SavedSlipFactory),
    (
        "saved_slips",
        "correlations",
        '{"a": 1}',
        "saved_slips_correlations_is_matrix",
        SavedSlipFactory,
    ),
    ("saved_slips", "tags", '"x"', "saved_slips_tags_is_array", SavedSlipFactory),
]


@pytest.mark.parametrize(("table", "column", "value", "constraint", "factory"), JSON_CHECKS)
def test_database_rejects_json_of_the_wrong_shape(table, column, value, constraint, factory):
    row = factory()

    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = %s::jsonb WHERE id = %s",
                [value, row.pk],
            )

    assert violated_constraint(write) == constraint


def test_snapshot_slug_is_unique():
    SnapshotFactory(snapshot_id="nfl-week-5-2024")
    assert violated_constraint(lambda: SnapshotFactory(snapshot_id="nfl-week-5-2024")) == (
        "snapshots_snapshot_id_key"
    )


def test_natural_key_is_unique_on_the_live_board():
    PropMarketFactory(platform="prizepicks", external_id="1929712")
    assert (
        violated_constraint(lambda: PropMarketFactory(platform="prizepicks", external_id="1929712"))
        == "prop_markets_live_natural_key"
    )


def test_natural_key_is_unique_within_a_snapshot():
    snapshot = SnapshotFactory()
    PropMarketFactory(snapshot=snapshot, platform="underdog", external_id="abc")
    assert (
        violated_constraint(
            lambda: PropMarketFactory(snapshot=snapshot, platform="underdog", external_id="abc")
        )
        == "prop_markets_snapshot_natural_key"
    )


def test_same_natural_key_may_exist_once_per_board():
    first, second = SnapshotFactory(), SnapshotFactory()
    for board in (None, first, second):
        PropMarketFactory(snapshot=board, platform="underdog", external_id="abc")
    PropMarketFactory(platform="prizepicks", external_id="abc")
    assert PropMarket.objects.filter(external_id="abc").count() == 4


def test_markets_without_an_external_id_are_not_keyed():
    PropMarketFactory(external_id=None)
    PropMarketFactory(external_id="")  # stored as NULL
    assert PropMarket.objects.filter(external_id__isnull=True).count() == 2


def test_foreign_keys_are_enforced():
    def orphan():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE experiments SET user_id = '00000000-0000-0000-0000-000000000000'"
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    ExperimentFactory()
    assert violated_constraint(orphan).startswith("experiments_user_id")

"""The seed document's usage examples, written with the Django ORM, work as written there."""

import datetime
import warnings

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from props.choices import ExperimentStatus
from props.models import Experiment, PropMarket, SavedSlip, Snapshot
from props.services import (
    InvalidTransition,
    delete_props_created_before,
    lock_snapshot,
    transition_experiment,
    update_experiment_metrics,
)
from tests.factories import ExperimentFactory, PropMarketFactory, SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_examples_create_each_record():
    user = User.objects.create(
        clerk_user_id="user_abc123",
        email="user@example.com",
        subscription_tier="pro",
        subscription_status="active",
    )
    snapshot = Snapshot.objects.create(
        snapshot_id="nfl-week-5-2024",
        week=5,
        league="NFL",
        config={"risk_mode": "balanced"},
        model_version="v1.2.0",
    )
    experiment = Experiment.objects.create(
        user_id=user.id,
        snapshot_id=snapshot.id,
        week=5,
        league="NFL",
        risk_mode="aggressive",
        bankroll=1000.0,
        metrics={"roi": 0.15, "win_rate": 0.62, "sharpe": 1.8},
    )
    slip = SavedSlip.objects.create(
        user_id=user.id,
        snapshot_id=snapshot.id,
        legs=[
            {"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5},
            {"player": "Travis Kelce", "stat": "receptions", "line": 5.5},
        ],
        ev=1.45,
        stake=50.0,
        platform="prizepicks",
    )
    prop = PropMarket.objects.create(
        snapshot_id=snapshot.id,
        week=5,
        league="NFL",
        player_name="Patrick Mahomes",
        market_type="passing_yards",
        line=275.5,
        odds=-110,
        platform="prizepicks",
    )

    assert experiment.status == ExperimentStatus.DRAFT
    assert slip.is_placed is False and slip.placed_at is None
    prop.refresh_from_db()
    assert (prop.odds, prop.sport, prop.snapshot) == (1.9091, "football", snapshot)


def test_seed_experiment_with_a_naive_utc_timestamp_is_stored_as_utc():
    user = UserFactory()
    naive_utc = datetime.datetime(2024, 10, 6, 17, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Django warns about naive datetimes
        experiment = Experiment.objects.create(
            user_id=user.id,
            week=5,
            league="NFL",
            risk_mode="balanced",
            bankroll=1000.0,
            timestamp=naive_utc,
            metrics={"roi": 0.15},
        )
    experiment.refresh_from_db()
    assert experiment.timestamp == naive_utc.replace(tzinfo=datetime.UTC)


def test_active_props_of_a_week_and_league_ordered_by_player():
    PropMarketFactory(player_name="Zach Wilson")
    PropMarketFactory(player_name="Aaron Rodgers")
    PropMarketFactory(player_name="Josh Allen", is_active=False)
    PropMarketFactory(player_name="Ja'Marr Chase", week=6)
    PropMarketFactory(player_name="LeBron James", league="NBA")

    board = PropMarket.objects.board(league="NFL", week=5)

    assert [p.player_name for p in board] == ["Aaron Rodgers", "Zach Wilson"]


def test_updating_experiment_metrics_completes_a_running_experiment():
    experiment = ExperimentFactory(status=ExperimentStatus.RUNNING, metrics={})
    updated = update_experiment_metrics(experiment=experiment, metrics={"roi": 0.21})
    experiment.refresh_from_db()
    assert experiment.metrics == {"roi": 0.21}
    assert experiment.status == updated.status == ExperimentStatus.COMPLETED


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("draft", "running", True),
        ("running", "completed", True),
        ("running", "failed", True),
        ("draft", "completed", False),
        ("completed", "running", False),
        ("failed", "completed", False),
        ("completed", "draft", False),
    ],
)
def test_experiment_status_moves_only_forward(start, target, allowed):
    experiment = ExperimentFactory(status=start)
    if allowed:
        assert transition_experiment(experiment=experiment, status=target).status == target
    else:
        with pytest.raises(InvalidTransition):
            transition_experiment(experiment=experiment, status=target)
        experiment.refresh_from_db()
        assert experiment.status == start


def test_deleting_old_props_spares_newer_ones_and_locked_snapshots():
    cutoff = timezone.now() - datetime.timedelta(days=30)
    old = timezone.now() - datetime.timedelta(days=60)
    frozen = SnapshotFactory()
    PropMarketFactory(created_at=old)
    PropMarketFactory(created_at=old, snapshot=SnapshotFactory())
    kept_new = PropMarketFactory()
    kept_frozen = PropMarketFactory(created_at=old, snapshot=frozen)
    lock_snapshot(snapshot=frozen)

    assert delete_props_created_before(cutoff=cutoff) == 2
    assert set(PropMarket.objects.all()) == {kept_new, kept_frozen}


def test_experiments_joined_with_snapshots_in_one_query():
    user = UserFactory()
    for _ in range(3):
        ExperimentFactory(user=user, snapshot=SnapshotFactory())
    ExperimentFactory()  # another user's

    with CaptureQueriesContext(connection) as queries:
        rows = [
            (e.id, e.snapshot.snapshot_id)
            for e in Experiment.objects.filter(user=user).with_snapshot().order_by("-created_at")
        ]
    assert len(rows) == 3
    assert len(queries) == 1


def test_user_stats_count_average_roi_and_total_slips():
    user = UserFactory()
    ExperimentFactory(user=user, metrics={"roi": 0.10}, num_slips=4)
    ExperimentFactory(user=user, metrics={"roi": 0.30}, num_slips=6, status="running")
    ExperimentFactory(user=user, metrics={"win_rate": 0.5}, num_slips=1)  # no roi
    ExperimentFactory(metrics={"roi": 5.0}, num_slips=100)  # another user's

    stats = Experiment.objects.filter(user=user).stats()

    assert stats["total_experiments"] == 3
    assert stats["avg_roi"] == pytest.approx(0.20)
    assert stats["best_roi"] == pytest.approx(0.30)
    assert stats["total_slips"] == 11
    assert stats["by_status"] == {"draft": 2, "running": 1}


def test_stats_of_a_user_without_experiments_are_zero_and_empty():
    stats = Experiment.objects.filter(user=UserFactory()).stats()
    assert stats == {
        "total_experiments": 0,
        "avg_roi": None,
        "best_roi": None,
        "total_slips": 0,
        "by_status": {},
    }


def test_json_query_on_metrics_roi():
    good = ExperimentFactory(metrics={"roi": 0.15})
    ExperimentFactory(metrics={"roi": 0.05})
    ExperimentFactory(metrics={"sharpe": 2.0})

    assert list(Experiment.objects.filter(metrics__roi__gt=0.1)) == [good]
    assert list(Experiment.objects.with_metric_above("roi", 0.1)) == [good]

"""`experiments/`: CRUD of the user's own experiments, status transitions, validation, filters,
metric ordering, stats, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from props.models import Experiment
from tests.factories import ExperimentFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/experiments/"


def detail(experiment):
    return f"{URL}{experiment.pk}/"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


VALID = {"week": 5, "league": "NFL", "risk_mode": "aggressive", "bankroll": 1000.0}


def test_create_takes_the_owner_from_the_request(client_for, user):
    snapshot = SnapshotFactory()

    response = client_for(user).post(
        URL, {**VALID, "snapshot": snapshot.snapshot_id, "metrics": {"roi": 0.15}}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["user"], body["snapshot"], body["status"]) == (
        str(user.pk),
        snapshot.snapshot_id,
        "draft",
    )
    assert Experiment.objects.get(pk=body["id"]).user == user


def test_owner_in_the_body_is_400(client_for, user, other_user):
    response = client_for(user).post(URL, {**VALID, "user": str(other_user.pk)}, format="json")

    assert response.status_code == 400
    assert response.json() == {"user": ["This field is read-only."]}
    assert not Experiment.objects.exists()


def test_new_experiment_may_start_running_but_not_finished(client_for, user):
    running = client_for(user).post(URL, {**VALID, "status": "running"}, format="json")
    completed = client_for(user).post(URL, {**VALID, "status": "completed"}, format="json")

    assert running.status_code == 201
    assert completed.status_code == 400
    assert "status" in completed.json()


def test_status_moves_draft_running_completed(client_for, user):
    experiment = ExperimentFactory(user=user)
    client = client_for(user)

    assert client.patch(detail(experiment), {"status": "running"}).json()["status"] == "running"
    finished = client.patch(detail(experiment), {"status": "completed", "metrics": {"roi": 0.2}})

    assert finished.status_code == 200
    experiment.refresh_from_db()
    assert (experiment.status, experiment.metrics) == ("completed", {"roi": 0.2})


@pytest.mark.parametrize(
    "start, target",
    [("draft", "completed"), ("draft", "failed"), ("completed", "running"), ("failed", "draft")],
)
def test_disallowed_transition_is_400_and_changes_nothing(client_for, user, start, target):
    experiment = ExperimentFactory(user=user, status=start, name="before")

    response = client_for(user).patch(
        detail(experiment), {"status": target, "name": "after"}, format="json"
    )

    assert response.status_code == 400
    assert "cannot go from" in response.json()["status"][0]
    experiment.refresh_from_db()
    assert (experiment.status, experiment.name) == (start, "before")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"bankroll": 0}, "bankroll"),
        ({"bankroll": -5}, "bankroll"),
        ({"bankroll": "lots"}, "bankroll"),
        ({"risk_mode": "yolo"}, "risk_mode"),
        ({"status": "paused"}, "status"),
        ({"league": "XFL"}, "league"),
        ({"week": 61}, "week"),
        ({"metrics": [0.1, 0.2]}, "metrics"),
        ({"metrics": {"roi": "high"}}, "metrics"),
        ({"metrics": {"roi": None}}, "metrics"),
        ({"name": "nul\x00byte"}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"description": "d" * 10_001}, "description"),
        ({"snapshot": "no-such-snapshot"}, "snapshot"),
        ({"num_slips": -1}, "num_slips"),
    ],
)
def test_invalid_experiment_is_400_with_the_field(client_for, user, changes, field):
    response = client_for(user).post(URL, {**VALID, **changes}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"week": 5, "league": "NFL", "bankroll": NaN}',
        '{"week": 5, "league": "NFL", "bankroll": Infinity}',
        '{"week": 5, "league": "NFL", "bankroll": 1e400}',
        '{"week": 5, "league": "NFL", "bankroll": 1000, "metrics": {"roi": 1e400}}',
        '{"week": 5, "league": ',
        '[{"week": 5, "league": "NFL", "bankroll": 1000}]',
    ],
)
def test_non_finite_numbers_malformed_json_and_lists_are_400(client_for, user, raw):
    response = client_for(user).post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()
    assert not Experiment.objects.exists()


def test_filters_by_status_league_week_risk_mode_and_snapshot(client_for, user):
    snapshot = SnapshotFactory()
    match = ExperimentFactory(
        user=user, status="running", league="NBA", week=7, risk_mode="aggressive", snapshot=snapshot
    )
    ExperimentFactory(user=user, status="running", league="NBA", week=7, risk_mode="balanced")
    ExperimentFactory(user=user)
    client = client_for(user)

    response = client.get(
        URL,
        {
            "status": "running",
            "league": "NBA",
            "week": 7,
            "risk_mode": "aggressive",
            "snapshot": snapshot.snapshot_id,
        },
    )

    assert ids(response) == [str(match.pk)]


def test_metric_filter_and_metric_ordering(client_for, user):
    low = ExperimentFactory(user=user, metrics={"roi": 0.05})
    mid = ExperimentFactory(user=user, metrics={"roi": 0.12})
    high = ExperimentFactory(user=user, metrics={"roi": 0.30})
    no_roi = ExperimentFactory(user=user, metrics={"sharpe": 1.0})
    client = client_for(user)

    above = client.get(URL, {"metric": "roi", "metric_gt": 0.1, "ordering": "-metric:roi"})
    between = client.get(URL, {"metric": "roi", "metric_gt": 0.1, "metric_lt": 0.2})
    having = client.get(URL, {"metric": "sharpe"})
    ascending = client.get(URL, {"ordering": "metric:roi"})

    assert ids(above) == [str(high.pk), str(mid.pk)]
    assert ids(between) == [str(mid.pk)]
    assert ids(having) == [str(no_roi.pk)]
    assert ids(ascending) == [str(e.pk) for e in (low, mid, high, no_roi)]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"metric_gt": 0.1}, "metric_gt"),
        ({"metric": "roi__nested"}, "metric"),
        ({"metric": "roi", "metric_gt": "high"}, "metric_gt"),
        ({"metric": "roi", "metric_lt": "NaN"}, "metric_lt"),
        ({"ordering": "password"}, "ordering"),
        ({"ordering": "-metric:bad name"}, "ordering"),
        ({"week": "five"}, "week"),
        ({"week": "5.5"}, "week"),
        ({"status": "paused"}, "status"),
        ({"user": "not-a-uuid"}, "user"),
    ],
)
def test_invalid_filter_is_400_with_the_reason(client_for, user, params, field):
    response = client_for(user).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_stats_sum_up_the_users_own_experiments(client_for, user):
    ExperimentFactory(user=user, metrics={"roi": 0.1}, num_slips=3, status="completed")
    ExperimentFactory(user=user, metrics={"roi": 0.3}, num_slips=2, status="running")
    ExperimentFactory(metrics={"roi": 9.0}, num_slips=100)

    body = client_for(user).get(f"{URL}stats/").json()

    assert body["total_experiments"] == 2
    assert body["avg_roi"] == pytest.approx(0.2)
    assert body["best_roi"] == pytest.approx(0.3)
    assert body["total_slips"] == 5
    assert body["by_status"] == {"draft": 0, "running": 1, "completed": 1, "failed": 0}


def test_stats_of_a_user_without_experiments(client_for, user):
    body = client_for(user).get(f"{URL}stats/").json()

    assert (body["total_experiments"], body["avg_roi"], body["total_slips"]) == (0, None, 0)


def test_delete_own_experiment(client_for, user):
    experiment = ExperimentFactory(user=user)

    assert client_for(user).delete(detail(experiment)).status_code == 204
    assert not Experiment.objects.exists()


@pytest.mark.parametrize("page_size", [1, 20])
def test_list_runs_the_same_queries_whatever_the_page_size(client_for, user, page_size):
    snapshot = SnapshotFactory()
    ExperimentFactory.create_batch(25, user=user, snapshot=snapshot)

    with CaptureQueriesContext(connection) as queries:
        response = client_for(user).get(URL, {"page_size": page_size, "ordering": "-metric:roi"})

    assert len(response.json()["results"]) == page_size
    assert len(queries) == 2  # COUNT and the page, snapshots joined


def test_detail_runs_one_query(client_for, user, django_assert_num_queries):
    experiment = ExperimentFactory(user=user, snapshot=SnapshotFactory())
    client = client_for(user)

    with django_assert_num_queries(1):
        client.get(detail(experiment))


def test_stats_run_two_queries(client_for, user, django_assert_num_queries):
    ExperimentFactory.create_batch(5, user=user)
    client = client_for(user)

    with django_assert_num_queries(2):  # the totals and the counts by status
        client.get(f"{URL}stats/", {"league": "NFL"})

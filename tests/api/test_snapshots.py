"""`/api/v1/snapshots/`: lookup by slug, capture on create, staff writes, query counts."""

import pytest

from props.models import Experiment, PropMarket, Snapshot
from props.services import lock_snapshot
from tests.factories import ExperimentFactory, PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/snapshots/"


def test_user_lists_snapshots_with_their_market_counts(user_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-2024")
    PropMarketFactory.create_batch(3, snapshot=snapshot)

    response = user_client.get(URL)

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["snapshot_id"] == "nfl-week-5-2024"
    assert row["market_count"] == 3
    assert row["is_locked"] is False


def test_snapshot_is_found_by_its_slug(user_client):
    SnapshotFactory(snapshot_id="nfl-week-5-2024", name="Final board")

    response = user_client.get(f"{URL}nfl-week-5-2024/")

    assert response.status_code == 200
    assert response.json()["name"] == "Final board"


def test_unknown_slug_is_404(user_client):
    assert user_client.get(f"{URL}no-such-board/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"), [("league=NBA", ["nba-1"]), ("is_locked=false", ["nba-1", "nfl-5"])]
)
def test_snapshot_filters(user_client, query, expected):
    SnapshotFactory(snapshot_id="nfl-5")
    SnapshotFactory(snapshot_id="nba-1", league="NBA", week=1)

    response = user_client.get(f"{URL}?{query}")

    assert sorted(row["snapshot_id"] for row in response.json()["results"]) == expected


def test_invalid_snapshot_filter_is_400(user_client):
    response = user_client.get(f"{URL}?is_locked=maybe")

    assert response.status_code == 400
    assert "is_locked" in response.json()


def test_staff_create_captures_the_live_board(staff_client):
    PropMarketFactory.create_batch(2, league="NFL", week=5, line=10.5)
    PropMarketFactory(league="NFL", week=6)

    response = staff_client.post(
        URL,
        {"snapshot_id": "nfl-week-5-final", "league": "NFL", "week": 5, "name": "Final"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["market_count"] == 2
    snapshot = Snapshot.objects.get(snapshot_id="nfl-week-5-final")
    assert list(snapshot.prop_markets.values_list("line", flat=True)) == [10.5, 10.5]
    assert PropMarket.objects.live().count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"snapshot_id": "has spaces", "league": "NFL", "week": 5}, "snapshot_id"),
        ({"snapshot_id": "x", "league": "XFL", "week": 5}, "league"),
        ({"snapshot_id": "x", "league": "NFL", "week": -1}, "week"),
        ({"snapshot_id": "x", "league": "NFL", "week": 5, "config": []}, "config"),
        ({"snapshot_id": "x", "league": "NFL", "week": 5, "tags": {"a": 1}}, "tags"),
        ({"snapshot_id": "x", "league": "NFL", "week": 5, "name": "a\x00b"}, "name"),
        ({"snapshot_id": "taken", "league": "NFL", "week": 5}, "snapshot_id"),
    ],
)
def test_invalid_snapshot_is_400_and_nothing_is_created(staff_client, body, field):
    SnapshotFactory(snapshot_id="taken")

    response = staff_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Snapshot.objects.count() == 1


def test_user_cannot_create_change_or_delete(user_client):
    SnapshotFactory(snapshot_id="nfl-5")

    assert user_client.post(URL, {"snapshot_id": "x"}, format="json").status_code == 403
    assert user_client.patch(f"{URL}nfl-5/", {"name": "x"}, format="json").status_code == 403
    assert user_client.delete(f"{URL}nfl-5/").status_code == 403
    assert user_client.post(f"{URL}nfl-5/lock/").status_code == 403


def test_anonymous_user_is_refused(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_staff_changes_descriptive_fields(staff_client):
    SnapshotFactory(snapshot_id="nfl-5")

    response = staff_client.patch(
        f"{URL}nfl-5/", {"name": "Renamed", "tags": ["final"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed"
    assert Snapshot.objects.get(snapshot_id="nfl-5").tags == ["final"]


@pytest.mark.parametrize("field", ["snapshot_id", "league", "week", "season"])
def test_captured_board_identity_cannot_change(staff_client, field):
    SnapshotFactory(snapshot_id="nfl-5")
    value = {"snapshot_id": "renamed", "league": "NBA", "week": 6, "season": 2020}[field]

    response = staff_client.patch(f"{URL}nfl-5/", {field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_staff_deletes_a_snapshot_with_its_markets_and_keeps_experiments(staff_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-5")
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    live = PropMarketFactory()
    experiment = ExperimentFactory(snapshot=snapshot)

    assert staff_client.delete(f"{URL}nfl-5/").status_code == 204

    assert list(PropMarket.objects.all()) == [live]
    assert Experiment.objects.get(pk=experiment.pk).snapshot is None


@pytest.mark.parametrize("page_size", [1, 20])
def test_list_runs_a_fixed_number_of_queries(
    user_client, staff_user, django_assert_num_queries, page_size
):
    for index in range(20):
        snapshot = SnapshotFactory()
        PropMarketFactory(snapshot=snapshot)
        if index % 2:
            lock_snapshot(snapshot=snapshot, user=staff_user)

    with django_assert_num_queries(2):  # the count and the page
        response = user_client.get(f"{URL}?page_size={page_size}")

    assert len(response.json()["results"]) == page_size


def test_detail_runs_one_query(user_client, django_assert_num_queries):
    SnapshotFactory(snapshot_id="nfl-5")

    with django_assert_num_queries(1):
        assert user_client.get(f"{URL}nfl-5/").status_code == 200

"""`GET /api/v1/snapshots/{slug}/diff/?against={slug}`: added, removed and moved markets."""

import pytest

from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/snapshots/week-5-sunday/diff/?against=week-5-friday"


@pytest.fixture
def boards():
    return SnapshotFactory(snapshot_id="week-5-friday"), SnapshotFactory(
        snapshot_id="week-5-sunday"
    )


def market(snapshot, player, line, odds=1.9, platform="prizepicks", **fields):
    return PropMarketFactory(
        snapshot=snapshot, player_name=player, line=line, odds=odds, platform=platform, **fields
    )


def test_diff_lists_added_removed_and_moved_markets(user_client, boards):
    friday, sunday = boards
    market(friday, "Same Line", 10.5)
    market(sunday, "Same Line", 10.5)
    old = market(friday, "Line Moved", 275.5)
    new = market(sunday, "Line Moved", 280.5, odds=1.87)
    removed = market(friday, "Pulled", 50.5)
    added = market(sunday, "New Prop", 5.5)

    response = user_client.get(URL)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["snapshot"], body["against"]) == ("week-5-sunday", "week-5-friday")
    assert [row["id"] for row in body["added"]] == [str(added.pk)]
    assert [row["id"] for row in body["removed"]] == [str(removed.pk)]
    (moved,) = body["moved"]
    assert (moved["player_name"], moved["platform"], moved["market_type"]) == (
        "Line Moved",
        "prizepicks",
        "passing_yards",
    )
    assert moved["old"] == {"id": str(old.pk), "line": 275.5, "odds": 1.9}
    assert moved["new"] == {"id": str(new.pk), "line": 280.5, "odds": 1.87}
    assert moved["line_change"] == 5.0


def test_odds_change_alone_is_a_move(user_client, boards):
    friday, sunday = boards
    market(friday, "Josh Allen", 250.5, odds=1.9)
    market(sunday, "Josh Allen", 250.5, odds=2.1)

    (moved,) = user_client.get(URL).json()["moved"]

    assert (moved["old"]["odds"], moved["new"]["odds"], moved["line_change"]) == (1.9, 2.1, 0)


def test_markets_match_by_platform_player_and_market_type(user_client, boards):
    friday, sunday = boards
    market(friday, "Josh Allen", 250.5, platform="prizepicks")
    market(sunday, "Josh Allen", 250.5, platform="underdog")
    market(friday, "Josh Allen", 30.5, market_type="rushing_yards")
    market(sunday, "Josh Allen", 30.5, market_type="rushing_yards")

    body = user_client.get(URL).json()

    assert [row["platform"] for row in body["added"]] == ["underdog"]
    assert [row["platform"] for row in body["removed"]] == ["prizepicks"]
    assert body["moved"] == []


def test_a_deactivated_market_counts_as_removed(user_client, boards):
    friday, sunday = boards
    market(friday, "Josh Allen", 250.5)
    market(sunday, "Josh Allen", 250.5, is_active=False)

    body = user_client.get(URL).json()

    assert len(body["removed"]) == 1
    assert body["added"] == body["moved"] == []


def test_diff_runs_a_fixed_number_of_queries(user_client, boards, django_assert_num_queries):
    friday, sunday = boards
    for index in range(10):
        market(friday, f"Player {index}", 10.5)
        market(sunday, f"Player {index}", 11.5 + index)

    with django_assert_num_queries(3):  # the snapshot, the other snapshot, their markets
        response = user_client.get(URL)

    assert len(response.json()["moved"]) == 10


@pytest.mark.parametrize(
    "query", ["", "?against=", "?against=no-such-board", "?against=bad%20slug", "?against=a%00b"]
)
def test_missing_or_unknown_against_is_400(user_client, boards, query):
    response = user_client.get(f"/api/v1/snapshots/week-5-sunday/diff/{query}")

    assert response.status_code == 400
    assert "against" in response.json()


def test_diff_of_unknown_snapshot_is_404(user_client, boards):
    response = user_client.get("/api/v1/snapshots/nothing/diff/?against=week-5-friday")

    assert response.status_code == 404

"""`/api/v1/prop-markets/compare/`: line shopping across platforms, in one query."""

import pytest

from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("board_fast_path")]
URL = "/api/v1/prop-markets/compare/"


def offer(player, platform, line, odds=1.9, **fields):
    return PropMarketFactory(player_name=player, platform=platform, line=line, odds=odds, **fields)


def groups(client, query="league=NFL&week=5"):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_groups_each_players_market_across_platforms_widest_spread_first(user_client):
    offer("Patrick Mahomes", "prizepicks", 275.5)
    offer("Patrick Mahomes", "underdog", 270.5, odds=2.0)
    offer("Patrick Mahomes", "draftkings", 280.5, odds=1.87)
    offer("Josh Allen", "prizepicks", 250.5)
    offer("Josh Allen", "underdog", 251.5)

    mahomes, allen = groups(user_client)

    assert (mahomes["player_name"], mahomes["market_type"]) == ("Patrick Mahomes", "passing_yards")
    assert mahomes["platforms"] == 3
    assert (mahomes["min_line"], mahomes["max_line"], mahomes["spread"]) == (270.5, 280.5, 10.0)
    assert mahomes["best_odds"] == 2.0
    assert [(o["platform"], o["line"], o["odds"]) for o in mahomes["offers"]] == [
        ("underdog", 270.5, 2.0),
        ("prizepicks", 275.5, 1.9),
        ("draftkings", 280.5, 1.87),
    ]
    assert allen["spread"] == 1.0


def test_market_types_are_compared_separately(user_client):
    offer("Travis Kelce", "prizepicks", 5.5, market_type="receptions")
    offer("Travis Kelce", "underdog", 6.5, market_type="receptions")
    offer("Travis Kelce", "prizepicks", 60.5, market_type="receiving_yards")
    offer("Travis Kelce", "underdog", 64.5, market_type="receiving_yards")

    result = groups(user_client)

    assert [(g["market_type"], g["spread"]) for g in result] == [
        ("receiving_yards", 4.0),
        ("receptions", 1.0),
    ]


def test_single_platform_markets_are_left_out_unless_asked(user_client):
    offer("Josh Allen", "prizepicks", 250.5)

    assert groups(user_client) == []
    assert len(groups(user_client, "league=NFL&week=5&min_platforms=1")) == 1


def test_inactive_markets_are_not_offers(user_client):
    offer("Josh Allen", "prizepicks", 250.5)
    offer("Josh Allen", "underdog", 240.5, is_active=False)

    assert groups(user_client) == []


def test_compares_the_live_board_unless_a_snapshot_is_given(user_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    offer("Josh Allen", "prizepicks", 250.5)
    offer("Josh Allen", "underdog", 251.5)
    offer("Josh Allen", "prizepicks", 240.5, snapshot=snapshot)
    offer("Josh Allen", "underdog", 250.5, snapshot=snapshot)

    (live,) = groups(user_client)
    (frozen,) = groups(user_client, "league=NFL&week=5&snapshot=nfl-week-5-final")

    assert live["spread"] == 1.0
    assert frozen["spread"] == 10.0


def test_list_filters_apply(user_client):
    offer("Josh Allen", "prizepicks", 250.5, team="BUF")
    offer("Josh Allen", "underdog", 251.5, team="BUF")
    offer("Patrick Mahomes", "prizepicks", 250.5, team="KC")
    offer("Patrick Mahomes", "underdog", 260.5, team="KC")

    (only,) = groups(user_client, "league=NFL&week=5&team=BUF")

    assert only["player_name"] == "Josh Allen"


def test_limit_and_next_link_page_through_groups(user_client):
    for index in range(3):
        offer(f"Player {index}", "prizepicks", 10.0)
        offer(f"Player {index}", "underdog", 10.0 + index)

    first = user_client.get(f"{URL}?league=NFL&week=5&limit=2").json()
    second = user_client.get(first["next"]).json()

    assert [g["spread"] for g in first["results"]] == [2.0, 1.0]
    assert [g["spread"] for g in second["results"]] == [0.0]
    assert second["next"] is None


@pytest.mark.parametrize("size", [1, 20])
def test_compare_runs_one_query_whatever_the_size(user_client, django_assert_num_queries, size):
    for index in range(20):
        offer(f"Player {index}", "prizepicks", 10.0)
        offer(f"Player {index}", "underdog", 11.0)

    with django_assert_num_queries(1):
        result = user_client.get(f"{URL}?league=NFL&week=5&limit={size}").json()["results"]

    assert len(result) == size


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("league=XFL", "league"),
        ("week=x", "week"),
        ("min_platforms=0", "min_platforms"),
        ("limit=100000", "limit"),
        ("offset=-1", "offset"),
        ("offset=%C2%B2", "offset"),
        ("week=" + "9" * 5000, "week"),
        ("live=false", "live"),
    ],
)
def test_invalid_compare_parameters_are_400(user_client, query, field):
    response = user_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert field in response.json()

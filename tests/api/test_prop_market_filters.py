"""Every documented prop-market filter, through the API; invalid values are 400 with the reason."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("board_fast_path")]
URL = "/api/v1/prop-markets/"


def ids(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def as_ids(*markets):
    return {str(market.pk) for market in markets}


@pytest.mark.parametrize(
    ("field", "wanted", "other", "query"),
    [
        ("league", "NBA", "NFL", "league=NBA"),
        ("week", 7, 5, "week=7"),
        ("season", 2023, 2024, "season=2023"),
        ("platform", "underdog", "prizepicks", "platform=underdog"),
        ("market_type", "rushing_yards", "passing_yards", "market_type=rushing_yards"),
        ("stat_category", "rushing", "passing", "stat_category=rushing"),
        ("team", "BUF", "KC", "team=BUF"),
        ("is_active", False, True, "is_active=false"),
    ],
)
def test_filter_keeps_only_matching_markets(user_client, field, wanted, other, query):
    match = PropMarketFactory(**{field: wanted})
    PropMarketFactory(**{field: other})

    assert ids(user_client, query) == as_ids(match)


def test_sport_filter(user_client):
    nba = PropMarketFactory(league="NBA")
    PropMarketFactory(league="NFL")

    assert ids(user_client, "sport=basketball") == as_ids(nba)


def test_player_filter_ignores_case(user_client):
    mahomes = PropMarketFactory(player_name="Patrick Mahomes")
    PropMarketFactory(player_name="Josh Allen")

    assert ids(user_client, "player=patrick%20MAHOMES") == as_ids(mahomes)


def test_snapshot_filter_takes_the_slug(user_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    inside = PropMarketFactory(snapshot=snapshot)
    PropMarketFactory()

    assert ids(user_client, "snapshot=nfl-week-5-final") == as_ids(inside)
    assert ids(user_client, "snapshot=no-such-snapshot") == set()


def test_live_filter_selects_the_live_board_or_the_snapshots(user_client):
    live = PropMarketFactory()
    captured = PropMarketFactory(snapshot=SnapshotFactory())

    assert ids(user_client, "live=true") == as_ids(live)
    assert ids(user_client, "live=false") == as_ids(captured)
    assert ids(user_client, "") == as_ids(live, captured)


def test_game_date_range_is_inclusive_by_day(user_client):
    day = datetime.datetime(2024, 10, 6, 20, 25, tzinfo=datetime.UTC)
    on_the_day = PropMarketFactory(game_date=day)
    later = PropMarketFactory(game_date=day + datetime.timedelta(days=2))
    PropMarketFactory(game_date=None)

    assert ids(user_client, "game_date_after=2024-10-06&game_date_before=2024-10-06") == as_ids(
        on_the_day
    )
    assert ids(user_client, "game_date_after=2024-10-07") == as_ids(later)


def test_line_range_is_inclusive(user_client):
    low, middle, high = (PropMarketFactory(line=line) for line in (1.5, 25.5, 275.5))

    assert ids(user_client, "line_min=1.5&line_max=25.5") == as_ids(low, middle)
    assert ids(user_client, "line_min=100") == as_ids(high)


def test_filters_combine(user_client):
    board = PropMarketFactory(league="NFL", week=5, is_active=True, team="KC")
    PropMarketFactory(league="NFL", week=5, is_active=False, team="KC")
    PropMarketFactory(league="NFL", week=6, is_active=True, team="KC")

    assert ids(user_client, "league=NFL&week=5&is_active=true&team=KC") == as_ids(board)


def test_unknown_parameters_are_ignored(user_client):
    market = PropMarketFactory(created_at=timezone.now())

    assert ids(user_client, "colour=blue") == as_ids(market)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("league=XFL", "league"),
        ("league=nfl", "league"),
        ("sport=curling", "sport"),
        ("week=five", "week"),
        ("week=5.5", "week"),
        ("week=-1", "week"),
        ("week=99999999999999999999", "week"),
        ("week=" + "9" * 5000, "week"),
        ("week=%C2%B2", "week"),
        ("season=20245", "season"),
        ("platform=nowhere", "platform"),
        ("is_active=maybe", "is_active"),
        ("live=perhaps", "live"),
        ("game_date_after=2024-13-01", "game_date_after"),
        ("game_date_before=yesterday", "game_date_before"),
        ("line_min=NaN", "line_min"),
        ("line_max=Infinity", "line_max"),
        ("line_min=abc", "line_min"),
        ("player=" + "x" * 300, "player"),
        ("player=Pat%00rick", "player"),
        ("team=K%00C", "team"),
        ("snapshot=" + "s" * 101, "snapshot"),
    ],
)
def test_invalid_filter_is_400_with_the_reason(user_client, query, field):
    response = user_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response.json()[field]
    assert isinstance(response.json()[field][0], str)

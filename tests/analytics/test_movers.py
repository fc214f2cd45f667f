"""`GET /api/v1/prop-markets/movers/`: from → to since a time, the change, how many moves and the
last one, largest absolute change first; filters like the board; by=odds; cached under the board
version; hostile parameters are a 400 keyed by parameter."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from props import movement
from props.models import PropMarket
from props.movement import MoverQuery, _mover, _movers_portable
from props.services import update_market
from props.services.bulk import MarketEdit, edit_markets, move_markets
from tests.factories import PropMarketFactory, SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/prop-markets/movers/"
HistoricalPropMarket = PropMarket.history.model


def backdate(market, moment):
    """Date every version of `market` written so far at `moment`."""
    HistoricalPropMarket.objects.filter(id=market.pk).update(history_date=moment)


@pytest.fixture
def board(staff_user):
    """Three NFL week 5 markets created two days ago; since then one moved 2.5 points in two
    steps, one moved back 1 point, one only had its odds changed; an NBA market moved 4."""
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    allen = PropMarketFactory(player_name="Josh Allen", line=250.5, odds=1.9091)
    kelce = PropMarketFactory(player_name="Travis Kelce", line=60.5, platform="underdog")
    mahomes = PropMarketFactory(player_name="Patrick Mahomes", line=275.5, odds=1.9091)
    luka = PropMarketFactory(player_name="Luka Doncic", league="NBA", market_type="points")
    for market in (allen, kelce, mahomes, luka):
        backdate(market, two_days_ago)
    update_market(market=allen, user=staff_user, line=251.5)
    update_market(market=allen, user=staff_user, line=253.0)
    update_market(market=kelce, user=staff_user, line=59.5)
    update_market(market=mahomes, user=staff_user, odds=2.1)
    update_market(market=luka, user=staff_user, line=luka.line + 4)
    return {"allen": allen, "kelce": kelce, "mahomes": mahomes, "luka": luka}


def movers(client, query=""):
    """The movers of NFL week 5 unless `query` names a league."""
    if "league=" not in query:
        query = "?league=NFL&week=5" + (f"&{query[1:]}" if query else "")
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_biggest_absolute_line_change_first_with_from_to_and_moves(staff_client, board):
    results = movers(staff_client, "?league=NFL&week=5")

    assert [(r["player_name"], r["from"], r["to"], r["change"], r["moves"]) for r in results] == [
        ("Josh Allen", 250.5, 253.0, 2.5, 2),
        ("Travis Kelce", 60.5, 59.5, -1.0, 1),
    ]
    allen = results[0]
    last = HistoricalPropMarket.objects.filter(id=board["allen"].pk).latest("history_id")
    assert allen["last_move_at"].replace("Z", "+00:00") == last.history_date.isoformat()
    assert (allen["by"], allen["league"], allen["week"], allen["is_active"]) == (
        "line",
        "NFL",
        5,
        True,
    )


def test_by_odds_ranks_odds_moves(staff_client, board):
    results = movers(staff_client, "?league=NFL&week=5&by=odds")

    assert [(r["player_name"], r["from"], r["to"]) for r in results] == [
        ("Patrick Mahomes", 1.9091, 2.1)
    ]
    assert results[0]["change"] == pytest.approx(0.1909)


def test_filters_platform_market_type_min_change_and_league(staff_client, board):
    assert [r["player_name"] for r in movers(staff_client, "?platform=underdog")] == [
        "Travis Kelce"
    ]
    assert [
        r["player_name"] for r in movers(staff_client, "?league=NBA&week=5&market_type=points")
    ] == ["Luka Doncic"]
    assert movers(staff_client, "?market_type=points") == []
    assert [r["player_name"] for r in movers(staff_client, "?min_change=2")] == ["Josh Allen"]
    assert [r["player_name"] for r in movers(staff_client, "?league=NBA&week=5")] == ["Luka Doncic"]


def test_since_counts_moves_after_it_from_the_value_at_that_time(staff_client, board):
    first_move = HistoricalPropMarket.objects.filter(id=board["allen"].pk, line=251.5).get()
    since = (first_move.history_date + datetime.timedelta(microseconds=1)).isoformat()
    results = movers(staff_client, f"?league=NFL&week=5&since={since.replace('+', '%2B')}")

    assert [(r["player_name"], r["from"], r["to"], r["moves"]) for r in results] == [
        ("Josh Allen", 251.5, 253.0, 1),
        ("Travis Kelce", 60.5, 59.5, 1),
    ]
    # Before everything: markets created since count from their creation.
    earlier = (timezone.now() - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(movers(staff_client, f"?since={earlier}")) == 2


def test_a_market_moved_back_and_forth_counts_its_moves_with_no_change(staff_client, staff_user):
    market = PropMarketFactory(line=10.5)
    backdate(market, timezone.now() - datetime.timedelta(days=2))
    update_market(market=market, user=staff_user, line=11.5)
    update_market(market=market, user=staff_user, line=10.5)

    (result,) = movers(staff_client)
    assert (result["from"], result["to"], result["change"], result["moves"]) == (10.5, 10.5, 0, 2)
    assert movers(staff_client, "?min_change=0.5") == []


def test_snapshot_copies_and_unchanged_versions_are_not_moves(staff_client, staff_user):
    market = PropMarketFactory(line=10.5)
    backdate(market, timezone.now() - datetime.timedelta(days=2))
    update_market(market=market, user=staff_user, team="BUF")  # line unchanged
    snapshot = SnapshotFactory()
    moved = PropMarketFactory(line=5.5)
    backdate(moved, timezone.now() - datetime.timedelta(days=2))
    move_markets(queryset=PropMarket.objects.filter(pk=moved.pk), snapshot=snapshot)
    edit_markets(queryset=PropMarket.objects.filter(pk=moved.pk), edit=MarketEdit("line", 7.5))

    assert movers(staff_client) == []


def test_cached_under_the_board_version(
    staff_client, board, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    movers(staff_client, "?league=NFL&week=5")
    with django_assert_num_queries(0):
        movers(staff_client, "?league=NFL&week=5")
    with django_capture_on_commit_callbacks(execute=True):
        update_market(market=board["kelce"], user=staff_user, line=55.5)
    results = movers(staff_client, "?league=NFL&week=5")
    assert results[0]["player_name"] == "Travis Kelce"
    assert results[0]["change"] == -5.0


def test_pages_by_limit_and_offset(staff_client, board):
    first = staff_client.get(URL + "?league=NFL&week=5&limit=1").json()
    second = staff_client.get(first["next"]).json()
    assert [r["player_name"] for r in first["results"] + second["results"]] == [
        "Josh Allen",
        "Travis Kelce",
    ]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("by=volume", "by"),
        ("since=yesterday", "since"),
        ("since=1999-01-01T00:00:00Z", "since"),
        ("min_change=-1", "min_change"),
        ("min_change=NaN", "min_change"),
        ("week=61", "week"),
        ("league=XFL", "league"),
        ("league=", "league"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("market_type=" + "x" * 300, "market_type"),
    ],
)
def test_bad_parameters_are_a_400_keyed_by_parameter(staff_client, query, parameter):
    response = staff_client.get(f"{URL}?league=NFL&week=5&{query}")
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert response.json()[parameter][0].startswith(parameter)


def test_one_board_is_required(staff_client):
    response = staff_client.get(URL + "?since=2024-10-01T00:00:00Z")
    assert response.status_code == 400
    assert response.json() == {
        "league": ["league is required: movers read one league and week."],
        "week": ["week is required: movers read one league and week."],
    }


def test_signed_in_users_read_movers_and_anonymous_cannot(client_for, board):
    assert client_for(UserFactory()).get(URL + "?league=NFL&week=5").status_code == 200
    assert client_for(None).get(URL).status_code == 401
    assert client_for(UserFactory()).post(URL).status_code == 403


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"by": "odds"},
        {"platform": "underdog"},
        {"market_type": "passing_yards", "min_change": 1.0},
        {"limit": 1, "offset": 1},
        {"since": "now"},
    ],
)
def test_without_postgresql_the_same_movers_are_computed_in_python(board, staff_user, options):
    """SQLite (`make run`) has no LATERAL join: `movers` computes the statement's answer in
    Python there. Both run here on the same history and give the same rows."""
    market = PropMarketFactory(line=10.5)
    backdate(market, timezone.now() - datetime.timedelta(days=2))
    update_market(market=market, user=staff_user, line=11.5)
    update_market(market=market, user=staff_user, line=10.5)
    since = timezone.now() - datetime.timedelta(days=1)
    if options.pop("since", None):
        since = timezone.now() - datetime.timedelta(seconds=1)
        update_market(market=board["allen"], user=staff_user, line=249.5)
    query = MoverQuery(since=since, league="NFL", week=5, **options)

    portable = [_mover(row) for row in _movers_portable(query, "default")]

    assert portable == movement.movers(query)
    assert portable or options.get("offset")


@pytest.fixture
def mixed_history(board, staff_user):
    """Next to `board`'s markets (their versions since two days ago chained by the stored
    previous versions): one created within the day, one whose versions of the day left the
    board and came back, one whose rows carry no previous version (written before migration
    0012, not backfilled), one moved to another platform."""
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    fresh = PropMarketFactory(player_name="Fresh", line=5.5, odds=1.8)
    update_market(market=fresh, user=staff_user, line=7.0, odds=1.95)
    roamer = PropMarketFactory(player_name="Roamer", line=30.5)
    backdate(roamer, two_days_ago)
    update_market(market=roamer, user=staff_user, week=6, line=33.5)
    update_market(market=roamer, user=staff_user, week=5)
    update_market(market=roamer, user=staff_user, line=32.0, odds=2.05)
    legacy = PropMarketFactory(player_name="Legacy", line=40.5)
    backdate(legacy, two_days_ago)
    update_market(market=legacy, user=staff_user, line=44.5)
    update_market(market=legacy, user=staff_user, odds=2.2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE prop_markets_history SET prev_line = NULL, prev_odds = NULL, "
            "prev_history_date = NULL, version_number = NULL WHERE id = %s",
            [legacy.pk],
        )
    switcher = PropMarketFactory(player_name="Switcher", line=12.5, platform="underdog")
    backdate(switcher, two_days_ago)
    update_market(market=switcher, user=staff_user, platform="prizepicks", line=13.5)
    update_market(market=switcher, user=staff_user, platform="underdog", line=15.5)
    return {"fresh": fresh, "roamer": roamer, "legacy": legacy, "switcher": switcher}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"by": "odds"},
        {"platform": "underdog"},
        {"platform": "underdog", "min_change": 2.5},
        {"min_change": 2.0},
        {"limit": 2, "offset": 1},
    ],
)
def test_stored_previous_versions_give_the_same_movers_as_the_versions_in_order(
    mixed_history, options
):
    """`movers_sql` sums up chained markets from their stored previous versions and reads the
    others' versions in order; the Python twin reads every market's versions in order. Same
    rows, same order, same figures."""
    query = MoverQuery(
        since=timezone.now() - datetime.timedelta(days=1), league="NFL", week=5, **options
    )

    expected = [_mover(row) for row in _movers_portable(query, "default")]

    assert movement.movers(query) == expected
    assert expected


def test_each_kind_of_history_is_a_mover_with_its_moves(staff_client, mixed_history):
    results = {r["player_name"]: r for r in movers(staff_client)}

    figures = {name: (r["from"], r["to"], r["moves"]) for name, r in results.items()}
    assert figures == {
        "Josh Allen": (250.5, 253.0, 2),
        "Travis Kelce": (60.5, 59.5, 1),
        "Fresh": (5.5, 7.0, 1),
        # Its week 6 version is not on the board: 30.5 → (back on week 5 at 33.5) → 32.0.
        "Roamer": (30.5, 32.0, 2),
        "Legacy": (40.5, 44.5, 1),
        "Switcher": (12.5, 15.5, 2),
    }
    underdog = {r["player_name"]: r["moves"] for r in movers(staff_client, "?platform=underdog")}
    assert underdog["Switcher"] == 1  # 12.5 (underdog) → 15.5 (underdog again)


def test_chained_versions_are_answered_by_one_statement_others_by_a_second(
    board, staff_user, django_assert_num_queries
):
    query = MoverQuery(since=timezone.now() - datetime.timedelta(days=1), league="NFL", week=5)
    with django_assert_num_queries(1):
        assert len(movement.movers(query)) == 2

    update_market(market=board["kelce"], user=staff_user, week=6)
    update_market(market=board["kelce"], user=staff_user, week=5, line=58.5)
    with django_assert_num_queries(2):
        assert [r["to"] for r in movement.movers(query)] == [253.0, 58.5]

"""The board query (league, week, is_active and paging only) skips the FilterSet's form when the
fast path is on: it answers, and refuses, exactly as the FilterSet does (each test runs with
BOARD_FAST_PATH on and off)."""

import pytest
from django.db import connection

from tests.factories import PropMarketFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("board_fast_path")]
URL = "/api/v1/prop-markets/"


def test_board_query_answers_as_the_filterset_does(user_client):
    for number in range(5):
        PropMarketFactory(player_name=f"Player {number}", is_active=number != 2)
    PropMarketFactory(week=6)
    PropMarketFactory(league="NBA")
    query = "league=NFL&week=5&is_active=true&page_size=2"
    # An empty filter of another name sends the same query through the FilterSet.
    through_filterset = "sport=&"

    fast = user_client.get(f"{URL}?{query}").json()
    full = user_client.get(f"{URL}?{through_filterset}{query}").json()

    assert [row["player_name"] for row in fast["results"]] == ["Player 0", "Player 1"]
    assert fast["results"] == full["results"]
    second_page = user_client.get(fast["next"]).json()
    assert [row["player_name"] for row in second_page["results"]] == ["Player 3", "Player 4"]


@pytest.mark.parametrize(
    "query",
    [
        "league=XFL&week=5",
        "league=NFL&week=99",
        "week=-1",
        "week=5.5",
        "week=five&is_active=maybe",
        "league=nfl&is_active=2",
        "league=&week=&is_active=",
    ],
)
def test_board_query_errors_are_the_filtersets(user_client, query):
    fast = user_client.get(f"{URL}?{query}")
    full = user_client.get(f"{URL}?sport=&{query}")

    assert fast.status_code == full.status_code
    assert fast.json() == full.json()


def prepared_board_statements():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE %s",
            ['%FROM "prop_markets"%'],
        )
        return [statement for (statement,) in cursor.fetchall()]


def test_board_page_runs_as_a_prepared_statement_on_the_fast_path(
    user_client, settings, board_fast_path
):
    settings.CACHE_TTL = 0
    PropMarketFactory()
    before = prepared_board_statements()

    for _ in range(2):
        assert user_client.get(f"{URL}?league=NFL&week=5&is_active=true").status_code == 200

    assert len(prepared_board_statements()) == len(before) + (1 if board_fast_path else 0)


def test_game_date_order_is_not_prepared_its_sort_key_must_match_the_index(user_client):
    PropMarketFactory()
    before = prepared_board_statements()

    response = user_client.get(f"{URL}?league=NFL&week=5&ordering=game_date")

    assert response.status_code == 200
    assert prepared_board_statements() == before

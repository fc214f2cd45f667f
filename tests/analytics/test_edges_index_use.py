"""The edges read one week of the board through an index: 80,000 live-board markets over 4
leagues x 18 weeks (sportsbooks with both prices, pick'em apps) are loaded with one
`INSERT … SELECT generate_series` and ANALYZEd, and the one statement the endpoint runs is put
through EXPLAIN: a sequential scan of prop_markets fails the test."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
MARKETS = 80_000

LOAD = """
INSERT INTO prop_markets (
    id, snapshot_id, sport, week, league, season, player_id, player_name, position, team,
    opponent, market_type, stat_category, line, odds, platform, external_id, game_id, game_date,
    is_active, extra_metadata, created_at, updated_at
)
SELECT
    ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
    NULL, '', i / 4 %% 18 + 1, (ARRAY['NFL', 'NBA', 'MLB', 'NHL'])[i %% 4 + 1], 2024,
    'p' || (i / 288), 'Player ' || (i / 288), '', 'T' || (i %% 32), 'T' || ((i + 1) %% 32),
    'market_' || (i / 72 %% 4), '', (i %% 7) + 0.5,
    CASE WHEN i / 72 %% 4 >= 2 THEN 1.87 END,
    (ARRAY['prizepicks', 'underdog', 'draftkings', 'fanduel'])[i / 72 %% 4 + 1],
    'ext-' || i, 'game', NULL, true,
    CASE WHEN i / 72 %% 4 >= 2 THEN '{"under_price": -115}' ELSE '{}' END::jsonb,
    now(), now()
FROM generate_series(1, %(markets)s) AS i
"""


@pytest.fixture
def board():
    with connection.cursor() as cursor:
        cursor.execute(LOAD, {"markets": MARKETS})
        cursor.execute("VACUUM ANALYZE prop_markets")
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prop_markets CASCADE")


def test_the_edges_read_one_week_through_the_board_index(board, client_for):
    client = client_for(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/prop-markets/edges/?league=NFL&week=5&market_type=x")
        assert response.status_code == 200
        response = client.get("/api/v1/prop-markets/edges/?league=NBA&week=7")
        assert response.status_code == 200
    board_queries = [q["sql"] for q in queries if "prop_markets" in q["sql"]]
    assert len(board_queries) == 2
    for sql in board_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            explained = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan" not in explained, explained
        assert "Index Cond" in explained, explained

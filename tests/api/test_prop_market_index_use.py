"""Every documented prop-market filter and ordering can use an index at scale.

200,000 markets are loaded with one `INSERT … SELECT generate_series`, the table is ANALYZEd,
and each query the API really runs (captured from a request, first page and next page) is put
through EXPLAIN: a sequential scan of prop_markets fails the test.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SnapshotFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
ROWS = 200_000
URL = "/api/v1/prop-markets/"

LOAD = """
INSERT INTO prop_markets (
    id, snapshot_id, sport, week, league, season, player_id, player_name, position, team,
    opponent, market_type, stat_category, line, odds, platform, external_id, game_id, game_date,
    is_active, extra_metadata, created_at, updated_at
)
SELECT
    gen_random_uuid(),
    CASE WHEN i %% 5 = 0 THEN (%(snapshots)s::uuid[])[i / 5 %% 100 + 1] END,
    (ARRAY['football', 'basketball', 'baseball', 'hockey'])[i %% 4 + 1],
    i / 4 %% 18 + 1,
    (ARRAY['NFL', 'NBA', 'MLB', 'NHL'])[i %% 4 + 1],
    CASE WHEN i %% 10 = 0 THEN 2023 ELSE 2024 END,
    'p' || (i * 7919 %% 3000),
    'Player ' || lpad((i * 7919 %% 3000)::text, 4, '0'),
    '',
    'T' || (i %% 32),
    'T' || ((i + 1) %% 32),
    'market_' || (i / 3 %% 12),
    'category_' || (i / 3 %% 6),
    (i %% 500) + 0.5,
    CASE WHEN i %% 20 = 0 THEN NULL ELSE 1.5 + (i %% 100) / 100.0 END,
    (ARRAY['prizepicks', 'underdog', 'draftkings', 'fanduel'])[i / 72 %% 4 + 1],
    'ext-' || i,
    'game-' || (i %% 400),
    CASE WHEN i %% 20 = 1 THEN NULL
         ELSE timestamptz '2024-09-05 17:00+00' + (i %% 120) * interval '1 day' END,
    i %% 25 <> 0,
    '{}'::jsonb,
    now() - (i %% 5000) * interval '1 minute',
    now() - (i %% 5000) * interval '1 minute'
FROM generate_series(1, %(rows)s) AS i
"""

# Filters selective enough that walking another index would be slow at scale must be answered by
# their own index: the plan names the column in an index condition.
SELECTIVE = {
    "league=NFL&week=5&is_active=true": "league",
    "player=player%200042": "lower((player_name)::text)",
    "snapshot=board-3": "snapshot_id",
    "league=NFL&week=5&line_min=100&line_max=120": "line",
}
FILTERS = [
    *SELECTIVE,
    "league=NFL",
    "sport=hockey",
    "week=5",
    "season=2023",
    "platform=underdog",
    "market_type=market_3",
    "stat_category=category_2",
    "team=T7",
    "is_active=false",
    "is_active=true",
    "live=true",
    "live=false",
    "game_date_after=2024-10-01&game_date_before=2024-10-03",
    "game_date_after=2024-12-25",
    "line_min=100&line_max=101",
]
ORDERINGS = ["player_name", "line", "game_date", "updated_at"]


@pytest.fixture(scope="module")
def big_board(django_db_setup, django_db_blocker):
    """200k markets in the test database for the whole module (removed at the end)."""
    with django_db_blocker.unblock():
        snapshots = [SnapshotFactory(snapshot_id=f"board-{n}") for n in range(100)]
        with connection.cursor() as cursor:
            cursor.execute(LOAD, {"snapshots": [str(s.pk) for s in snapshots], "rows": ROWS})
            cursor.execute("ANALYZE prop_markets")
            cursor.execute("ANALYZE snapshots")
        yield
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM prop_markets")
            cursor.execute("DELETE FROM snapshots")


def api_queries(client, url):
    """The SQL the API ran for `url` (cache bypassed), and the response."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries], response


def plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_uses_indexes(client, url, index_column=None):
    queries, response = api_queries(client, url)
    market_queries = [sql for sql in queries if '"prop_markets"' in sql]
    assert market_queries, f"no prop-market query for {url}"
    for sql in market_queries:
        explained = plan(sql)
        assert "Seq Scan on prop_markets" not in explained, f"{url}\n{sql}\n{explained}"
        if index_column:
            conditions = [line for line in explained.splitlines() if "Index Cond" in line]
            assert any(index_column in line for line in conditions), f"{url}\n{explained}"
    return response


def test_the_board_is_loaded(big_board):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prop_markets")
        assert cursor.fetchone()[0] == ROWS


@pytest.mark.parametrize("query", FILTERS)
def test_each_filter_uses_an_index(big_board, user_client, query):
    assert_uses_indexes(user_client, f"{URL}?{query}", SELECTIVE.get(query))


@pytest.mark.parametrize("ordering", [f"{sign}{name}" for name in ORDERINGS for sign in ("", "-")])
@pytest.mark.parametrize("scope", ["", "league=NFL&week=5&is_active=true&"])
def test_each_ordering_and_its_next_page_use_an_index(big_board, user_client, ordering, scope):
    first = assert_uses_indexes(user_client, f"{URL}?{scope}ordering={ordering}&page_size=100")

    # Unscoped, a later page must seek to its position in the ordering's index (keyset), not
    # walk the index from the start.
    position = None if scope else ordering.lstrip("-")
    next_url = first.json()["next"]
    assert next_url
    second = assert_uses_indexes(user_client, next_url, position)
    assert second.json()["previous"]
    assert_uses_indexes(user_client, second.json()["previous"], position)


@pytest.mark.parametrize("query", ["league=NFL&week=5", "league=NBA&week=3&platform=underdog"])
def test_compare_uses_an_index(big_board, user_client, query):
    assert_uses_indexes(user_client, f"{URL}compare/?{query}&min_platforms=1")

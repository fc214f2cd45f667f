"""Movers and one market's history are index reads at scale: 240,000 history rows (80,000
live-board markets over 4 leagues x 18 weeks, three versions each) are loaded with one
`INSERT … SELECT generate_series`, ANALYZEd and VACUUMed, and the statements the endpoints run
are put through EXPLAIN: a sequential scan of prop_markets_history fails the test."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from props.movement import MoverQuery, chained_movers_sql, movers_sql
from tests.factories import PropMarketFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
MARKETS = 80_000
NOW = datetime.datetime(2024, 10, 6, 12, 0, tzinfo=datetime.UTC)

LOAD = """
INSERT INTO prop_markets_history (
    id, snapshot_id, sport, week, league, season, player_id, player_name, position, team,
    opponent, market_type, stat_category, line, odds, platform, external_id, game_id, game_date,
    is_active, extra_metadata, created_at, updated_at,
    history_date, history_type, history_user_id, history_change_reason
)
SELECT
    ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
    NULL, '', i / 4 %% 18 + 1, (ARRAY['NFL', 'NBA', 'MLB', 'NHL'])[i %% 4 + 1], 2024,
    'p' || i, 'Player ' || i, '', 'T' || (i %% 32), 'T' || ((i + 1) %% 32),
    'market_' || (i %% 12), '', (i %% 300) + 0.5 + v * 0.5 * (i %% 3),
    1.8 + v * 0.01, (ARRAY['prizepicks', 'underdog', 'draftkings', 'fanduel'])[i / 72 %% 4 + 1],
    'ext-' || i, 'game', NULL, true, '{}'::jsonb, %(now)s, %(now)s,
    %(now)s - interval '10 days' + v * (i %% 97) * interval '1 hour',
    CASE WHEN v = 0 THEN '+' ELSE '~' END, NULL, NULL
FROM generate_series(1, %(markets)s) AS i, generate_series(0, 2) AS v
"""


@pytest.fixture
def history():
    with connection.cursor() as cursor:
        cursor.execute(LOAD, {"markets": MARKETS, "now": NOW})
        cursor.execute("VACUUM ANALYZE prop_markets_history")
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prop_markets_history")


def plan(sql, params, analyze=False):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {'(ANALYZE, TIMING OFF) ' if analyze else ''}{sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


BOARDS = [
    {"league": "NFL", "week": 5},
    {"league": "NFL", "week": 5, "platform": "underdog", "market_type": "market_3"},
]


def test_movers_and_a_markets_history_read_the_history_through_indexes(history, client_for):
    for board in BOARDS:
        for by in ("line", "odds"):
            query = MoverQuery(since=NOW - datetime.timedelta(days=2), by=by, **board)
            chained = plan(*chained_movers_sql(query))
            assert "Seq Scan" not in chained, chained
            assert "Index Only Scan using prop_markets_history_window_idx" in chained, chained
            assert "market_date_idx" not in chained, chained  # no probe at all

            explained = plan(*movers_sql(query))

            assert "Seq Scan" not in explained, explained
            assert "Index Only Scan using prop_markets_history_window_idx" in explained, explained
            # A market whose window is not one chain of stored previous versions: its version
            # before `since` by one probe of (id, history_date).
            assert "prop_markets_history_market_date_idx" in explained, explained

    market = PropMarketFactory()
    client = client_for(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/prop-markets/{market.pk}/history/").status_code == 200
    (history_query,) = [q["sql"] for q in queries if "prop_markets_history" in q["sql"]]
    explained = plan(history_query, None)
    assert "Seq Scan on prop_markets_history" not in explained, explained
    assert f"Index Cond: (id = '{market.pk}'::uuid)" in explained, explained


def test_movers_of_chained_versions_probe_nothing_before_the_window(history):
    """The loaded versions were inserted in order, so the insert trigger chained them: every
    moved market is summed up from the window's rows, none probed for its earlier version."""
    query = MoverQuery(since=NOW - datetime.timedelta(days=2), league="NFL", week=5)
    explained = plan(*movers_sql(query), analyze=True)

    window = next(line for line in explained.splitlines() if "window_idx" in line)
    assert "rows=0 " not in window, explained  # the window has versions …
    probe = next(line for line in explained.splitlines() if "market_date_idx" in line)
    assert "never executed" in probe, explained  # … and none needed a probe

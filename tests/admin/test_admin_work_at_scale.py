"""The admin's heavy paths on a table big enough for PostgreSQL to choose real plans: what each
reads (index use, rows examined, query counts), never how long it takes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from props.models import PropMarket
from props.services.bulk import MarketEdit, edit_markets

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MARKETS = 100_000
SELECTED = 500

LOAD_MARKETS = """
INSERT INTO prop_markets (
    id, snapshot_id, sport, week, league, season, player_id, player_name, position, team,
    opponent, market_type, stat_category, line, odds, platform, external_id, game_id, game_date,
    is_active, extra_metadata, created_at, updated_at)
SELECT gen_random_uuid(), NULL, 'football', 1 + i %% 18, 'NFL', 2024, 'p' || (i %% 5000),
       'Player ' || lpad((i %% 5000)::text, 5, '0'), '', 'KC', 'BUF',
       (ARRAY['passing_yards', 'rushing_yards', 'receptions'])[1 + i %% 3], '',
       0.5 + i %% 300, 1.9, (ARRAY['prizepicks', 'underdog', 'draftkings'])[1 + (i / 7) %% 3],
       'ext-' || i, 'game-' || (i %% 400), now(), true, '{}'::jsonb, now(), now()
FROM generate_series(1, %(count)s) AS i
"""


@pytest.fixture
def big_board():
    with connection.cursor() as cursor:
        cursor.execute(LOAD_MARKETS, {"count": MARKETS})
        cursor.execute("ANALYZE prop_markets")


def plan_nodes(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    return list(walk(plan[0]["Plan"]))


def test_a_bulk_line_shift_of_500_reads_the_selected_rows_not_the_line_index(big_board):
    # Selected the way the admin selects ticked rows: the live board, then their ids.
    ids = list(
        PropMarket.objects.filter(week=6, platform="draftkings")
        .order_by("id")
        .values_list("id", flat=True)[:SELECTED]
    )
    selection = PropMarket.objects.live().filter(pk__in=ids)

    with CaptureQueriesContext(connection) as queries:
        result = edit_markets(queryset=selection, edit=MarketEdit("line", 0.5, shift=True))

    assert result.changed == SELECTED
    bounds = [q["sql"] for q in queries if "MIN(" in q["sql"].upper()]
    assert len(bounds) == 1
    nodes = plan_nodes(bounds[0].replace("%", "%%"), None)
    assert not [n for n in nodes if n.get("Index Name") == "prop_markets_line_id_idx"]
    # Rows read from the table (an index walk in line order would read ~25% of it).
    examined = sum(
        n["Actual Rows"] + n.get("Rows Removed by Filter", 0)
        for n in nodes
        if n.get("Relation Name") == "prop_markets"
    )
    assert examined <= 2 * SELECTED
    # Whatever the selection's size: the lock check, the bounds, the UPDATE with its history.
    assert len(queries) <= 6

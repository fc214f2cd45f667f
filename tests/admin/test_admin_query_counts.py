"""Every admin list page answers in a bounded number of queries on 200k prop markets, none
COUNTs the whole table (the paginator estimates it from PostgreSQL's statistics), and the
prop-market pages' queries use indexes (no sequential scan of prop_markets)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from betterbros import admin_paging as paginator
from props.services import lock_snapshot
from tests.factories import ExperimentFactory, SavedSlipFactory, SnapshotFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MARKETS = 200_000
# Session, user, count or estimate, page, filters' small lookups, actions …: a fixed budget that
# does not grow with the table or the page size.
MAX_QUERIES = 12

LOAD_MARKETS = """
INSERT INTO prop_markets (
    id, snapshot_id, sport, week, league, season, player_id, player_name, position, team,
    opponent, market_type, stat_category, line, odds, platform, external_id, game_id, game_date,
    is_active, extra_metadata, created_at, updated_at)
SELECT gen_random_uuid(),
       CASE i %% 20 WHEN 0 THEN %(locked)s::uuid WHEN 1 THEN %(open)s::uuid END,
       (ARRAY['football', 'basketball', 'baseball', 'hockey'])[1 + i %% 4],
       1 + (i / 4) %% 18,
       (ARRAY['NFL', 'NBA', 'MLB', 'NHL'])[1 + i %% 4],
       2024,
       'p' || (i %% 5000),
       'Player ' || lpad((i %% 5000)::text, 5, '0'),
       '',
       (ARRAY['KC', 'BUF', 'BOS', 'DEN', 'NYY', 'EDM'])[1 + i %% 6],
       'OPP',
       (ARRAY['passing_yards', 'points', 'hits', 'shots_on_goal', 'rebounds'])[1 + i %% 5],
       '',
       0.5 + i %% 300,
       1.5 + (i %% 50) / 100.0,
       (ARRAY['prizepicks', 'underdog', 'draftkings', 'fanduel'])[1 + (i / 7) %% 4],
       'ext-' || i,
       'game-' || (i %% 400),
       now() + (i %% 30) * interval '1 hour',
       i %% 33 <> 0,
       '{}'::jsonb,
       now(),
       now()
FROM generate_series(1, %(count)s) AS i
"""

WHOLE_TABLE_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "prop_markets"\s*$')


@pytest.fixture
def big_board(staff_user):
    locked, open_ = SnapshotFactory(snapshot_id="big-locked"), SnapshotFactory(snapshot_id="big")
    with connection.cursor() as cursor:
        cursor.execute(LOAD_MARKETS, {"locked": locked.pk, "open": open_.pk, "count": MARKETS})
        cursor.execute("ANALYZE prop_markets")
    lock_snapshot(snapshot=locked, user=staff_user)
    users = UserFactory.create_batch(5)
    for user in users:
        ExperimentFactory.create_batch(3, user=user, snapshot=locked)
        SavedSlipFactory.create_batch(3, user=user, snapshot=locked)
    return locked, open_


def plan_of(sql):
    """EXPLAIN of a captured query that reads prop_markets ("" for any other query)."""
    if not sql.startswith("SELECT") or '"prop_markets"' not in sql:
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql.replace("%", "%%"))
        return "\n".join(row[0] for row in cursor.fetchall())


def stops_early(sql):
    """A bounded COUNT (LIMIT 10001) over a filter most rows pass (the live board) may read
    the table in order: it stops after about that many rows, whatever the table's size."""
    if not sql.startswith("SELECT COUNT(*) FROM (SELECT") or "LIMIT" not in sql:
        return False
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql.replace("%", "%%"))
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scanned = [
        node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        for node in walk_plan(plan[0]["Plan"])
        if node["Node Type"] == "Seq Scan"
    ]
    return all(rows <= 2 * (paginator.EXACT_COUNT_LIMIT + 1) for rows in scanned)


def walk_plan(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk_plan(child)


def market_pages(locked, open_):
    markets = reverse("admin:props_propmarket_changelist")
    return [
        markets,
        markets + "?league__exact=NFL&week=5",
        markets + "?league__exact=NBA&week=3&is_active__exact=1&board=live",
        markets + "?q=player+00042",
        markets + "?q=kc",
        markets + "?q=big",
        markets + "?q=KC&platform__exact=underdog",
        markets + f"?snapshot__id__exact={open_.pk}",
        markets + "?board=locked",
        markets + "?market_type=points&season=2024",
        markets + "?o=11",
        markets + "?p=50",
    ]


def deep_pages(client):
    """The last page, and the page before it, of the whole table in a few sorts: keyset reads
    (no OFFSET), however deep."""
    markets = reverse("admin:props_propmarket_changelist")
    pages = []
    for sort in ["", "&o=1", "&o=-11", "&o=7.1"]:
        last = client.get(markets + f"?board=all&last=1{sort}").context["cl"]
        pages += [markets + f"?board=all&last=1{sort}", markets + last.previous_url]
    return pages


def other_pages():
    return [
        reverse("admin:props_snapshot_changelist"),
        reverse("admin:props_experiment_changelist"),
        reverse("admin:props_savedslip_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_changelist") + "?subscription_tier__exact=free",
        reverse("admin:props_historicalpropmarket_changelist"),
    ]


def test_admin_list_pages_on_200k_markets(staff_client, big_board, subtests):
    """One load of the big table for every check (loading it is the slow part)."""
    for url in [*market_pages(*big_board), *deep_pages(staff_client), *other_pages()]:
        with subtests.test("bounded queries, no whole-table COUNT", url=url):
            with CaptureQueriesContext(connection) as queries:
                response = staff_client.get(url)
            assert response.status_code == 200
            assert len(queries) <= MAX_QUERIES, [q["sql"] for q in queries]
            counts = [q["sql"] for q in queries if WHOLE_TABLE_COUNT.search(q["sql"])]
            assert not counts, counts
            scans = [
                q["sql"]
                for q in queries
                if "Seq Scan on prop_markets" in plan_of(q["sql"]) and not stops_early(q["sql"])
            ]
            assert not scans, scans
            offsets = [q["sql"] for q in queries if re.search(r"OFFSET \d{5,}", q["sql"])]
            assert not offsets, offsets

    with subtests.test("the whole table shows an estimate"):
        url = reverse("admin:props_propmarket_changelist") + "?board=all"
        response = staff_client.get(url)
        changelist = response.context["cl"]
        assert changelist.paginator.is_estimate and changelist.keyset
        assert abs(changelist.result_count - MARKETS) < MARKETS * 0.1
        assert "about" in response.content.decode()

    with subtests.test("the default list (the live board) shows an estimate"):
        changelist = staff_client.get(reverse("admin:props_propmarket_changelist")).context["cl"]
        assert changelist.paginator.is_estimate
        live = MARKETS * 18 // 20  # rows i % 20 in (0, 1) are in the two snapshots
        assert abs(changelist.result_count - live) < live * 0.1

    with subtests.test("a narrow filter is counted exactly"):
        url = reverse("admin:props_propmarket_changelist") + "?q=player+00042&league__exact=MLB"
        changelist = staff_client.get(url).context["cl"]
        assert not changelist.paginator.is_estimate
        # Player 00042 is row i = 42 + 5000k (k < 40); i % 4 == 2 for all of them: MLB.
        assert changelist.result_count == MARKETS // 5000

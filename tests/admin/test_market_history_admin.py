"""The all-changes list of prop markets: old → new line/odds/active, filters by date range, staff
member, platform, league and week, search by part of a player's name; on a large history each
page is a bounded number of queries and never scans the history table."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from props.models import PropMarket
from tests.factories import PropMarketFactory, StaffUserFactory

from .conftest import post_rows

pytestmark = pytest.mark.django_db

CHANGES = reverse("admin:props_historicalpropmarket_changelist")
HistoricalPropMarket = PropMarket.history.model


def listed(client, query=""):
    response = client.get(CHANGES + query)
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


def test_an_edit_is_listed_old_to_new(staff_client):
    market = PropMarketFactory(player_name="Josh Allen", line=20.5, odds=1.9091)
    post_rows(staff_client, [(market, {"line": 22.5, "odds": "2.5"})])
    response, versions = listed(staff_client, f"?q={market.pk}")
    page = response.content.decode()
    assert [v.history_type for v in versions] == ["~", "+"]
    assert '<span class="old">20.5</span> → <strong>22.5</strong>' in page
    assert '<span class="old">1.9091 (\u2212110)</span> → <strong>2.5 (+150)</strong>' in page


def test_filters_narrow_the_changes(staff_client, staff_user):
    other = StaffUserFactory(email="other@betterbros.example")
    nfl = PropMarketFactory(league="NFL", week=5, platform="prizepicks", player_name="Josh Allen")
    nba = PropMarketFactory(
        league="NBA", week=3, platform="underdog", market_type="points", player_name="Luka Dončić"
    )
    post_rows(staff_client, [(nfl, {"line": 1.5})])
    old = HistoricalPropMarket.objects.filter(id=nba.pk).get()
    old.history_date = timezone.now() - datetime.timedelta(days=10)
    old.history_user = other
    old.save()
    today = timezone.localdate().isoformat()
    cases = {
        f"?changed_by={staff_user.pk}": {(nfl.pk, "~")},
        f"?changed_by={other.pk}": {(nba.pk, "+")},
        "?league__exact=NBA&week=3": {(nba.pk, "+")},
        "?platform__exact=prizepicks": {(nfl.pk, "+"), (nfl.pk, "~")},
        f"?from={today}": {(nfl.pk, "+"), (nfl.pk, "~")},
        f"?until={(timezone.localdate() - datetime.timedelta(days=1)).isoformat()}": {
            (nba.pk, "+")
        },
        "?q=allen": {(nfl.pk, "+"), (nfl.pk, "~")},
        "?q=DONCIC": {(nba.pk, "+")},
    }
    for query, expected in cases.items():
        _, versions = listed(staff_client, query)
        assert {(v.id, v.history_type) for v in versions} == expected, query


def test_a_bad_date_is_ignored_with_a_warning(staff_client):
    PropMarketFactory()
    response, versions = listed(staff_client, "?from=yesterday")
    assert len(versions) == 1
    assert "must be a date (YYYY-MM-DD)" in response.content.decode()


LOAD_HISTORY = """
INSERT INTO prop_markets_history (
    id, sport, week, league, season, player_id, player_name, position, team, opponent,
    market_type, stat_category, line, odds, platform, external_id, game_id, is_active,
    extra_metadata, created_at, updated_at, history_date, history_type, history_user_id,
    history_change_reason)
SELECT md5((i %% 20000)::text)::uuid, 'football', 1 + i %% 18,
       (ARRAY['NFL', 'NBA', 'MLB', 'NHL'])[1 + i %% 4], 2024, '', 'Player ' || (i %% 20000),
       '', 'KC', 'BUF', 'passing_yards', '', 0.5 + i %% 300, 1.9,
       (ARRAY['prizepicks', 'underdog', 'draftkings', 'fanduel'])[1 + (i / 7) %% 4],
       'ext-' || i, '', true, '{}'::jsonb, now(), now(),
       now() - i * interval '1 second', '~', NULL, 'import'
FROM generate_series(1, %(count)s) AS i
"""


@pytest.mark.slow
def test_history_pages_use_indexes_on_a_large_history(staff_client, staff_user):
    with connection.cursor() as cursor:
        cursor.execute(LOAD_HISTORY, {"count": 200_000})
        cursor.execute("ANALYZE prop_markets_history")
    queries_by_page = {}
    for query in [
        "",
        "?league__exact=NBA&week=3",
        "?platform__exact=underdog",
        f"?changed_by={staff_user.pk}",
        f"?from={timezone.localdate().isoformat()}",
        "?q=player 1234",
    ]:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(CHANGES + query)
        assert response.status_code == 200, query
        queries_by_page[query] = len(captured)
        for executed in captured:
            sql = executed["sql"]
            if "prop_markets_history" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            # Counts are bounded (the paginator counts at most EXACT_COUNT_LIMIT + 1 rows, so a
            # scan that stops early is fine); the page itself is read through an index.
            if sql.lstrip().upper().startswith("SELECT COUNT"):
                assert "LIMIT" in sql, (query, sql)
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql.replace("%", "%%"))
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on prop_markets_history" not in plan, (query, sql, plan)
    assert max(queries_by_page.values()) <= 14, queries_by_page

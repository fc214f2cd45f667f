"""The admin index's dashboard (markets per league/week/platform on the live board, last import
per platform, the last 24 hours' movers, edges, locked snapshots — each linking to the filtered
list) and the market change page's line/odds chart, as staff see them; a bounded number of
queries, none once cached."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from props.admin.line_chart import build_line_chart, nice_ticks
from props.importers import run_import
from props.models import PropMarket
from props.services import update_market
from props.services.locking import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.jobs.eager import run_tasks_eagerly

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")
SHARED = Path(__file__).resolve().parents[2].parent / "shared/data"
NBA_CAPTURE = SHARED / "prizepicks/2024-03-19-nba.json"


def page_of(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def table_after(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</table>", start)]


@pytest.fixture
def board(staff_user):
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    PropMarketFactory.create_batch(3, league="NFL", week=5, platform="prizepicks")
    PropMarketFactory(league="NFL", week=5, platform="underdog")
    PropMarketFactory(league="NFL", week=5, platform="underdog", is_active=False)
    PropMarketFactory(league="NBA", week=12, platform="underdog")
    mover = PropMarketFactory(
        league="NFL", week=6, platform="prizepicks", player_name="Josh Allen", line=250.5
    )
    PropMarket.history.filter(id=mover.pk).update(history_date=two_days_ago)
    update_market(market=mover, user=staff_user, line=254.5)
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-locked")
    lock_snapshot(snapshot=snapshot, user=staff_user)
    return {"mover": mover, "snapshot": snapshot}


def test_counts_per_board_and_platform_link_to_the_filtered_list(admin_client_for, board):
    page = page_of(admin_client_for().get(INDEX))
    every_board = table_after(page, "dashboard-every-board")

    assert re.search(r"NFL week 5</a></th>\s*<td>4</td>", every_board)
    changelist = reverse("admin:props_propmarket_changelist")
    link = (
        f'<a href="{changelist}?league__exact=NFL&week=5&platform__exact=prizepicks'
        '&board=live&is_active__exact=1">3</a>'
    )
    assert link in every_board
    assert "NBA week 12" in every_board and "NFL week 6" in every_board


def test_each_leagues_latest_week_is_shown_first_and_every_week_folded(admin_client_for, board):
    page = page_of(admin_client_for().get(INDEX))
    current = table_after(page, "dashboard-boards")

    assert "NFL week 6" in current and "NBA week 12" in current
    assert "NFL week 5" not in current  # an older NFL week: in the folded table only
    assert "Every week on the live board (3 boards)" in page


def test_movers_of_the_last_day_and_locked_snapshots_are_listed(admin_client_for, board):
    page = page_of(admin_client_for().get(INDEX))

    movers = table_after(page, "dashboard-movers")
    history = reverse("admin:props_historicalpropmarket_changelist")
    assert f'<a href="{history}?q={board["mover"].pk}">Josh Allen</a>' in movers
    assert "250.5 → 254.5" in movers and "+4.0" in movers
    assert "PrizePicks" in movers  # platform and market type as staff read them
    assert '<td title="passing_yards">Passing yards</td>' in movers
    locked = page[page.index('id="dashboard-locked"') :]
    changelist = reverse("admin:props_propmarket_changelist")
    assert (
        f'<a href="{changelist}?snapshot__id__exact={board["snapshot"].pk}">nfl-week-5-locked</a>'
        in locked
    )


@pytest.mark.skipif(not NBA_CAPTURE.is_file(), reason="../shared/data is absent")
def test_each_platforms_last_import_with_its_file_and_age(admin_client_for):
    run_import(NBA_CAPTURE)

    imports = table_after(page_of(admin_client_for().get(INDEX)), "dashboard-imports")
    assert "PrizePicks</a></th>" in imports
    assert NBA_CAPTURE.name in imports
    assert "0 min" in imports


def dashboard_queries(queries):
    tables = ("prop_markets", '"snapshots"', '"import_runs"', '"feed_sources"')
    return [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]


def test_cached_until_a_market_changes_with_bounded_queries(admin_client_for, board):
    client = admin_client_for()
    with CaptureQueriesContext(connection) as first:
        page_of(client.get(INDEX))
    with CaptureQueriesContext(connection) as second:
        page_of(client.get(INDEX))

    # Counts, feed sources and import runs (the last imports), locked snapshots, and the movers
    # and edges of each league's latest week (NFL, NBA); then none from the cache.
    assert len(dashboard_queries(first)) == 4 + 2 + 2
    assert dashboard_queries(second) == []


def test_after_a_change_the_index_shows_dated_figures_and_a_worker_rebuilds_them(
    admin_client_for, board, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    client = admin_client_for()
    page_of(client.get(INDEX))
    with django_capture_on_commit_callbacks(execute=True):  # the board version's bump
        update_market(market=board["mover"], user=staff_user, line=240.5)

    with (
        CaptureQueriesContext(connection) as stale_view,
        django_capture_on_commit_callbacks() as queued,
    ):
        stale = page_of(client.get(INDEX))
    assert dashboard_queries(stale_view.captured_queries) == []  # no aggregate in the request
    assert "Figures as of" in stale
    assert "250.5 → 254.5" in table_after(stale, "dashboard-movers")
    assert len(queued) == 1  # the rebuild, once however many staff look
    with django_capture_on_commit_callbacks() as queued_again:
        page_of(client.get(INDEX))
    assert queued_again == []

    run_tasks_eagerly(monkeypatch)
    queued[0]()  # what the worker runs
    fresh = page_of(client.get(INDEX))
    assert "Figures as of" not in fresh
    assert "250.5 → 240.5" in table_after(fresh, "dashboard-movers")


def test_without_workers_the_index_rebuilds_stale_figures_itself(
    admin_client_for, board, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    client = admin_client_for()
    page_of(client.get(INDEX))
    with django_capture_on_commit_callbacks(execute=True):
        update_market(market=board["mover"], user=staff_user, line=240.5)
    run_tasks_eagerly(monkeypatch)  # `make run` with no broker

    fresh = page_of(client.get(INDEX))
    assert "Figures as of" not in fresh
    assert "250.5 → 240.5" in table_after(fresh, "dashboard-movers")


def test_the_best_edges_of_the_real_boards_are_listed_best_first(admin_client_for):
    """Kyrie Irving's Points 25.5 Under has edge 0.1071 (computed by hand in
    tests/analytics/test_edges_shared_data.py)."""
    run_import(SHARED / "prizepicks/2024-03-19-nba.json")
    run_import(
        SHARED / "sportsbook-csv/2024-nba-books-results.csv", league="NBA", week=12, season=2023
    )
    page = page_of(admin_client_for().get(INDEX))
    rows = table_after(page, "dashboard-edges").split("<tbody>")[1].split("</tr>")[:-1]
    kyrie = [row for row in rows if "Kyrie Irving" in row and ">25.5<" in row]
    assert len(kyrie) == 1
    assert "<td>0.1071</td>" in kyrie[0]
    edges = [float(re.findall(r"<td>(-?[0-9.]+)</td>\s*$", row)[0]) for row in rows]
    assert edges == sorted(edges, reverse=True)
    assert len(edges) == 10


def test_without_an_edge_the_dashboard_says_so(admin_client_for, board):
    page = page_of(admin_client_for().get(INDEX))
    assert "No pick'em line has an edge" in page[page.index('id="dashboard-edges"') :]


def test_the_change_page_charts_line_and_odds_beside_its_points(admin_client_for, staff_user):
    market = PropMarketFactory(line=20.5, odds=1.9091)
    update_market(market=market, user=staff_user, line=21.5, reason="injury news")
    update_market(market=market, user=staff_user, odds=2.1, is_active=False)
    url = reverse("admin:props_propmarket_change", args=[market.pk])

    page = page_of(admin_client_for().get(url))
    chart = page[
        page.index('class="module line-chart"') : page.index(
            "</fieldset>", page.index('class="module line-chart"')
        )
    ]
    svg = chart[chart.index("<svg") : chart.index("</svg>")]
    assert "<title" in svg and "<desc" in svg
    assert svg.count("<circle") == 3 and svg.count("<rect") == 3  # line and odds markers
    assert 'stroke-dasharray="6 4"' in svg  # odds: dashed
    assert svg.count('fill="#fff"') == 2  # the inactive version: hollow markers
    assert ">Line</text>" in svg and ">Odds (decimal)</text>" in svg and "Time (" in svg
    rows = chart[chart.index("<tbody>") :]
    assert rows.count("<tr>") == 3
    assert "changed, edit by " + staff_user.email + " — “injury news”" in rows
    assert "script" not in chart and "http://" not in chart.replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_the_chart_is_one_query(staff_user, django_assert_num_queries):
    market = PropMarketFactory()
    update_market(market=market, user=staff_user, line=1.5)
    with django_assert_num_queries(1):
        chart = build_line_chart(market)
    assert [panel.title for panel in chart.panels] == ["Line", "Odds (decimal)"]


def test_ticks_cover_the_values_in_round_steps():
    assert nice_ticks(250.5, 254.5) == [250.0, 251.0, 252.0, 253.0, 254.0, 255.0]
    assert nice_ticks(1.9, 1.9)[0] <= 1.9 <= nice_ticks(1.9, 1.9)[-1]


@pytest.fixture
def admin_client_for(client, staff_user):
    def make():
        client.force_login(staff_user)
        return client

    return make

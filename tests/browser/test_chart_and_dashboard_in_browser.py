"""The market change page's line/odds chart and the admin index's dashboard in Chromium, as staff
see them: the SVG draws (markers, dashed odds series, labelled axes) beside the points' table,
the dashboard's entries lead to the filtered lists. Screenshots: test-artifacts/browser/."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from props.models import PropMarket
from props.services import update_market
from props.services.locking import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.jobs.eager import run_tasks_eagerly

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moved_market(staff):
    market = PropMarketFactory(
        player_name="Josh Allen", league="NFL", week=5, line=250.5, odds=1.9091
    )
    start = timezone.now() - datetime.timedelta(hours=20)
    PropMarket.history.filter(id=market.pk).update(history_date=start)
    for hours, changes in [
        (4, {"line": 251.5}),
        (9, {"line": 253.0, "odds": 2.05}),
        (15, {"odds": 1.87, "is_active": False}),
    ]:
        update_market(market=market, user=staff, reason="injury news", **changes)
        latest = PropMarket.history.filter(id=market.pk).latest("history_id")
        PropMarket.history.filter(history_id=latest.history_id).update(
            history_date=start + datetime.timedelta(hours=hours)
        )
    return market


def test_the_change_page_draws_line_and_odds_beside_the_points(staff_page, moved_market):
    page = staff_page
    page.goto(reverse("admin:props_propmarket_change", args=[moved_market.pk]))
    chart = page.locator(".line-chart")
    chart.scroll_into_view_if_needed()

    svg = chart.locator("svg[role=img]")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] >= 600 and box["height"] >= 300
    assert chart.locator("circle").count() == 4  # one per version, line panel
    assert chart.locator("svg rect").count() == 4  # odds panel (square markers)
    assert chart.locator("path[stroke-dasharray]").count() == 1
    assert chart.locator("text", has_text="Odds (decimal)").count() == 1
    rows = chart.locator("table.line-chart-points tbody tr")
    assert rows.count() == 4
    assert "injury news" in rows.first.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=ARTIFACTS / "market-line-chart.png")


def test_the_dashboard_links_to_the_filtered_lists(staff_page, moved_market, staff, monkeypatch):
    run_tasks_eagerly(monkeypatch)  # as `make run`: the figures are rebuilt in the web process
    PropMarketFactory.create_batch(2, league="NFL", week=5, platform="underdog")
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-frozen")
    PropMarketFactory(snapshot=snapshot, player_name="Frozen Player")
    lock_snapshot(snapshot=snapshot, user=staff)
    page = staff_page
    page.goto(reverse("admin:index"))
    dashboard = page.locator("#props-dashboard")
    assert dashboard.is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dashboard.screenshot(path=ARTIFACTS / "admin-dashboard.png")

    movers = dashboard.locator("table[aria-labelledby=dashboard-movers]")
    assert "250.5 → 253.0" in movers.inner_text()
    dashboard.locator("table[aria-labelledby=dashboard-boards] a", has_text="2").click()
    page.wait_for_url(re.compile(r"/admin/props/propmarket/\?"))
    assert page.locator("#result_list tbody tr").count() == 2

    page.goto(reverse("admin:index"))
    page.locator("#props-dashboard a", has_text="nfl-week-5-frozen").click()
    page.wait_for_url(re.compile(r"snapshot__id__exact="))
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Frozen Player" in page.locator("#result_list").inner_text()

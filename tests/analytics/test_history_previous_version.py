"""Every history row carries the market's previous version (migration 0012's insert trigger):
whatever path writes it — the API, the admin's change page and bulk actions, snapshot capture,
the importer's merge and deactivation — `prev_line`, `prev_odds` and `prev_history_date` are the
previous version's line, odds and date, `version_number` counts the versions from 1. The
backfill command gives older rows the same values."""

import io
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from props.importers import run_import
from props.models import PropMarket
from props.services import capture_snapshot
from tests.admin.conftest import post_action, post_rows
from tests.admin.test_prop_market_admin import form_data
from tests.api.test_prop_markets import new_market
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.props.test_import_pipeline import board as import_file

pytestmark = pytest.mark.django_db

VERSIONS = """
    SELECT line, odds, history_date, prev_line, prev_odds, prev_history_date, version_number
      FROM prop_markets_history WHERE id = %s ORDER BY history_date, history_id
"""


def versions(market_id):
    with connection.cursor() as cursor:
        cursor.execute(VERSIONS, [market_id])
        return cursor.fetchall()


def assert_each_version_carries_the_previous_one(market_id, count):
    rows = versions(market_id)
    assert len(rows) == count
    assert rows[0][3:] == (None, None, None, 1)
    for number, (previous, row) in enumerate(pairwise(rows), start=2):
        assert row[3:] == (*previous[:3], number)


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_api_create_update_and_delete(client_for, staff_user):
    api = client_for(staff_user)
    created = api.post(
        "/api/v1/prop-markets/",
        new_market(odds=1.9091),
        format="json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/prop-markets/{created.json()['id']}/"
    assert api.patch(url, {"line": 280.5}, format="json").status_code == 200
    assert api.patch(url, {"odds": 2.1}, format="json").status_code == 200
    assert api.delete(url).status_code == 204

    assert_each_version_carries_the_previous_one(created.json()["id"], 4)


def test_admin_change_page_and_list_rows(admin_client):
    market = PropMarketFactory(line=20.5, odds=1.9)
    post_rows(admin_client, [(market, {"line": 22.5, "odds": "2.0"})])
    market.refresh_from_db()
    url = reverse("admin:props_propmarket_change", args=[market.pk])
    data = form_data(market, line=24.5, odds=2.2)
    assert admin_client.post(url, data).status_code == 302
    assert PropMarket.objects.get(pk=market.pk).line == 24.5

    assert_each_version_carries_the_previous_one(market.pk, 3)


@pytest.mark.parametrize(
    "change",
    [
        {"change": "set_line", "line": "30.5"},
        {"change": "shift_line", "shift": "-1"},
        {"change": "set_odds", "odds": "+150"},
        {"change": "set_active", "active": "no"},
    ],
)
def test_admin_bulk_edits(admin_client, change):
    markets = PropMarketFactory.create_batch(2, line=20.5, odds=1.9, is_active=True)
    post_action(admin_client, "propmarket", "edit_selected", markets, post="yes", **change)

    for market in markets:
        assert_each_version_carries_the_previous_one(market.pk, 2)


@pytest.mark.parametrize("then", ["move_to_snapshot", "delete_selected"])
def test_admin_bulk_activation_then_move_or_delete(admin_client, then):
    markets = PropMarketFactory.create_batch(2, is_active=True)
    post_action(admin_client, "propmarket", "deactivate", markets)
    if then == "move_to_snapshot":
        target = SnapshotFactory()
        post_action(admin_client, "propmarket", then, markets, apply="Move", snapshot=target.pk)
        assert PropMarket.objects.filter(snapshot=target).count() == 2
    else:
        post_action(admin_client, "propmarket", then, markets, post="yes")
        assert not PropMarket.objects.filter(pk__in=[m.pk for m in markets]).exists()

    for market in markets:
        assert_each_version_carries_the_previous_one(market.pk, 3)


def test_capture_copies_start_their_own_history(staff_user):
    live = PropMarketFactory(league="NFL", week=5, line=30.5)
    snapshot = capture_snapshot(slug="nfl-week-5-copy", league="NFL", week=5, user=staff_user)
    (copy,) = PropMarket.objects.filter(snapshot=snapshot)

    assert_each_version_carries_the_previous_one(copy.pk, 1)
    assert_each_version_carries_the_previous_one(live.pk, 1)


def test_import_create_update_and_deactivate_missing():
    run_import(import_file(3))
    run_import(import_file(3, line=250.5, odds=2.1))
    run_import(import_file(2, line=250.5, odds=2.1), deactivate_missing=True)

    updated, pulled = (PropMarket.objects.get(external_id=f"pp-{n}") for n in (0, 2))
    assert not pulled.is_active
    assert_each_version_carries_the_previous_one(updated.pk, 2)
    assert_each_version_carries_the_previous_one(pulled.pk, 3)


def test_the_backfill_gives_older_rows_what_the_trigger_gives_new_ones(client_for, staff_user):
    market = PropMarketFactory(line=20.5)
    api = client_for(staff_user)
    for line in (21.5, 19.5):
        url = f"/api/v1/prop-markets/{market.pk}/"
        assert api.patch(url, {"line": line}, format="json").status_code == 200
    other = PropMarketFactory()
    written = versions(market.pk) + versions(other.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE prop_markets_history SET prev_line = NULL, prev_odds = NULL, "
            "prev_history_date = NULL, version_number = NULL"
        )

    out = io.StringIO()
    call_command("backfill_history_versions", "--parts", "3", stdout=out)

    assert versions(market.pk) + versions(other.pk) == written
    assert out.getvalue().startswith("4 history rows updated")
    call_command("backfill_history_versions", stdout=out)
    assert "0 history rows updated" in out.getvalue()

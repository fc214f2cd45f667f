"""Bulk edits in the admin: the form, the confirmation page (count, sample old → new, reason),
then one write with history; confirmation before any bulk write of more than 100 rows."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from props.models import PropMarket
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url, messages_of, post_action

pytestmark = pytest.mark.django_db


def edit(client, markets, **fields):
    return post_action(client, "propmarket", "edit_selected", markets, **fields)


def test_a_bulk_edit_is_confirmed_with_a_sample_then_written_with_the_reason(
    staff_client, staff_user
):
    markets = [PropMarketFactory(line=20.5), PropMarketFactory(line=31.5)]
    form = edit(staff_client, markets)
    assert "Change 2 selected prop markets" in form.content.decode()

    confirmation = edit(staff_client, markets, change="shift_line", shift="0.5")
    page = confirmation.content.decode()
    assert "2 prop markets selected." in page
    assert "20.5" in page and "→ 21" in page
    assert all(m.line in (20.5, 31.5) for m in PropMarket.objects.all())  # nothing written yet

    response = edit(
        staff_client, markets, change="shift_line", shift="0.5", post="yes", reason="news"
    )
    assert "2 prop market(s) line shifted by +0.5." in messages_of(response)
    assert sorted(PropMarket.objects.values_list("line", flat=True)) == [21.0, 32.0]
    latest = markets[0].history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        staff_user,
        "line shifted by +0.5 in admin: news",
    )


def test_a_bulk_edit_without_a_value_asks_for_it(staff_client):
    market = PropMarketFactory(line=20.5)
    page = edit(staff_client, [market], change="set_line").content.decode()
    assert "Give the value for this change." in page


def test_typed_american_odds_are_understood_in_a_bulk_edit(staff_client):
    market = PropMarketFactory(odds=1.9091)
    edit(staff_client, [market], change="set_odds", odds="+150", post="yes")
    market.refresh_from_db()
    assert market.odds == 2.5


def test_every_row_of_the_filter_can_be_edited_at_once(staff_client):
    nfl = PropMarketFactory.create_batch(3, league="NFL", is_active=True)
    nba = PropMarketFactory(league="NBA", market_type="points", is_active=True)
    data = {
        "action": "edit_selected",
        ACTION_CHECKBOX_NAME: [str(nfl[0].pk)],
        "select_across": "1",
        "change": "set_active",
        "active": "no",
        "post": "yes",
    }
    response = staff_client.post(changelist_url("propmarket") + "?league__exact=NFL", data)
    assert "3 prop market(s) deactivated." in messages_of(response)
    nba.refresh_from_db()
    assert nba.is_active


def test_more_than_100_rows_are_confirmed_first_small_selections_run_at_once(staff_client):
    many = PropMarketFactory.create_batch(101, is_active=True)
    page = post_action(staff_client, "propmarket", "deactivate", many)
    assert page.status_code == 200
    assert "101 prop markets selected." in page.content.decode()
    assert PropMarket.objects.filter(is_active=True).count() == 101
    done = post_action(staff_client, "propmarket", "deactivate", many, post="yes")
    assert "101 prop market(s) deactivated." in messages_of(done)

    few = PropMarketFactory.create_batch(2, is_active=True)
    response = post_action(staff_client, "propmarket", "deactivate", few)
    assert "2 prop market(s) deactivated." in messages_of(response)


def test_a_move_to_a_snapshot_of_another_week_is_refused_naming_it(staff_client):
    target = SnapshotFactory(snapshot_id="nba-week-3", league="NBA", week=3)
    market = PropMarketFactory(league="NFL", week=5)
    response = post_action(
        staff_client, "propmarket", "move_to_snapshot", [market], apply="Move", snapshot=target.pk
    )
    assert (
        "Snapshot 'nba-week-3' is NBA week 3; 1 selected market(s) are of NFL week 5. "
        "Nothing was moved." in messages_of(response)
    )
    market.refresh_from_db()
    assert market.snapshot_id is None


def test_the_change_page_records_the_reason_given(staff_client, staff_user):
    market = PropMarketFactory(line=20.5, odds=1.9091)
    url = reverse("admin:props_propmarket_change", args=[market.pk])
    assert 'name="change_reason"' in staff_client.get(url).content.decode()
    data = {
        "league": market.league,
        "week": market.week,
        "season": market.season,
        "sport": market.sport,
        "platform": market.platform,
        "player_name": market.player_name,
        "market_type": market.market_type,
        "line": 22.5,
        "odds": "1.9091",
        "is_active": "on",
        "external_id": market.external_id,
        "extra_metadata": "{}",
        "change_reason": "injury report",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    latest = market.history.latest()
    assert (latest.line, latest.history_change_reason) == (22.5, "injury report")


def test_the_history_page_shows_a_move_from_the_live_board(staff_client, staff_user):
    target = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory()
    post_action(
        staff_client, "propmarket", "move_to_snapshot", [market], apply="Move", snapshot=target.pk
    )
    page = staff_client.get(reverse("admin:props_propmarket_history", args=[market.pk]))
    text = page.content.decode()
    assert "live board → nfl-week-5-final" in text
    assert "Deleted snapshot" not in text

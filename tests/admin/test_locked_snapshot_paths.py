"""A locked snapshot and its markets cannot be changed through any admin path.

Each path below is one way the admin writes; each test tries it on a locked snapshot (or a
market in one) and checks that nothing changed: not the rows, not their history, and that the
admin said why (or refused with 403 where Django's permission check answers first).
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from props.models import PropMarket, Snapshot
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url, messages_of, post_action, post_rows

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "is locked"
LEFT_OUT_MESSAGE = "in locked snapshot(s) 'nfl-week-5-final'"


@pytest.fixture
def locked(staff_user):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, line=250.5, odds=1.9091)
    snapshot = lock_snapshot(snapshot=snapshot, user=staff_user)
    market.refresh_from_db()
    return snapshot, market


@pytest.fixture
def unchanged(locked):
    """After the test: the locked snapshot, its markets and their history are as they were."""
    snapshot, _ = locked
    markets_before = list(PropMarket.objects.filter(snapshot=snapshot).values())
    snapshot_before = Snapshot.objects.filter(pk=snapshot.pk).values().get()
    market_history = PropMarket.history.filter(snapshot_id=snapshot.pk).count()
    snapshot_history = Snapshot.history.filter(id=snapshot.pk).count()
    yield locked
    assert list(PropMarket.objects.filter(snapshot=snapshot).values()) == markets_before
    assert Snapshot.objects.filter(pk=snapshot.pk).values().get() == snapshot_before
    assert PropMarket.history.filter(snapshot_id=snapshot.pk).count() == market_history
    assert Snapshot.history.filter(id=snapshot.pk).count() == snapshot_history


def post_to_all_boards(client, action, markets, **extra):
    """Run a market action from the list showing every board (it opens on the live board)."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(m.pk) for m in markets], **extra}
    return client.post(changelist_url("propmarket") + "?board=all", data)


def change_url(obj):
    return reverse(f"admin:props_{obj._meta.model_name}_change", args=[obj.pk])


# --- the snapshot itself ----------------------------------------------------------------------


def test_locked_snapshot_change_page_is_read_only_and_says_why(staff_client, unchanged):
    snapshot, _ = unchanged
    response = staff_client.get(change_url(snapshot))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page
    assert "Snapshot &#x27;nfl-week-5-final&#x27; is locked" in page
    assert "Locked by staff" in page
    assert reverse("admin:props_snapshot_unlock", args=[snapshot.pk]) in page


def test_posting_a_locked_snapshots_change_form_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    response = staff_client.post(
        change_url(snapshot),
        {"snapshot_id": "renamed", "league": "NFL", "week": 6, "config": "{}", "tags": "[]"},
    )
    assert_refused_with_the_lock_notice(response)


def test_locked_snapshot_delete_page_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    url = reverse("admin:props_snapshot_delete", args=[snapshot.pk])
    assert_refused_with_the_lock_notice(staff_client.get(url))
    assert_refused_with_the_lock_notice(staff_client.post(url, {"post": "yes"}))


def test_delete_selected_snapshots_refuses_a_locked_one_and_says_why(staff_client, unchanged):
    snapshot, _ = unchanged
    response = post_action(staff_client, "snapshot", "delete_selected", [snapshot], post="yes")
    assert response.status_code == 302
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))


def test_reverting_a_snapshot_from_history_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    version = Snapshot.history.filter(id=snapshot.pk).earliest("history_date")
    url = reverse("admin:props_snapshot_simple_history", args=[snapshot.pk, version.history_id])
    response = staff_client.post(url, {"snapshot_id": snapshot.snapshot_id})
    assert_refused_with_the_lock_notice(response)


# --- its markets ------------------------------------------------------------------------------


def test_locked_market_change_page_is_read_only_and_says_why(staff_client, unchanged):
    _, market = unchanged
    response = staff_client.get(change_url(market))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page
    assert 'id="lock-notice"' in page
    assert "is locked" in page


def test_posting_a_locked_markets_change_form_is_refused(staff_client, unchanged):
    _, market = unchanged
    response = staff_client.post(change_url(market), {"line": 999, "league": "NFL", "week": 5})
    assert_refused_with_the_lock_notice(response)


def test_locked_market_delete_page_is_refused(staff_client, unchanged):
    _, market = unchanged
    url = reverse("admin:props_propmarket_delete", args=[market.pk])
    assert_refused_with_the_lock_notice(staff_client.get(url))
    assert_refused_with_the_lock_notice(staff_client.post(url, {"post": "yes"}))


def test_delete_selected_markets_deletes_the_rest_and_says_which_were_left_out(
    staff_client, unchanged
):
    _, market = unchanged
    live = PropMarketFactory()
    page = post_to_all_boards(staff_client, "delete_selected", [market, live])
    assert "1 of them is in locked snapshot 'nfl-week-5-final'" in page.content.decode()
    response = post_to_all_boards(staff_client, "delete_selected", [market, live], post="yes")
    assert "1 prop market(s) deleted." in messages_of(response)
    assert any(LEFT_OUT_MESSAGE in message for message in messages_of(response))
    assert not PropMarket.objects.filter(pk=live.pk).exists()


def test_delete_selected_across_every_page_leaves_locked_ones_out(staff_client, unchanged):
    _, market = unchanged
    response = post_to_all_boards(
        staff_client, "delete_selected", [market], select_across="1", post="yes"
    )
    assert "0 prop market(s) deleted." in messages_of(response)
    assert any(LEFT_OUT_MESSAGE in message for message in messages_of(response))


def test_list_editable_ignores_values_posted_for_a_locked_row(staff_client, unchanged):
    _, market = unchanged
    live = PropMarketFactory(line=10.5)
    response = post_rows(staff_client, [(market, {"line": 1.5}), (live, {"line": 11.5})])
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.line == 11.5  # the same POST did save the live row


def test_list_editable_renders_locked_rows_disabled_with_the_reason(staff_client, unchanged):
    _, market = unchanged
    response = staff_client.get(changelist_url("propmarket") + "?board=all")
    page = response.content.decode()
    link = page.index(change_url(market))
    row = page[page.rindex("<tr", 0, link) : page.index("</tr>", link)]
    assert "disabled" in row
    assert "is locked" in row


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_bulk_activation_acts_on_the_rest_and_says_how_many_locked_were_left_out(
    staff_client, unchanged, action
):
    _, market = unchanged
    live = PropMarketFactory(is_active=action == "deactivate")
    response = post_to_all_boards(staff_client, action, [market, live])
    assert f"1 prop market(s) {action}d." in messages_of(response)
    assert (
        "1 prop market(s) left out: they are in locked snapshot(s) 'nfl-week-5-final', which "
        "cannot change until staff unlock them." in messages_of(response)
    )
    live.refresh_from_db()
    assert live.is_active == (action == "activate")


def test_moving_markets_out_of_a_locked_snapshot_leaves_them_where_they_are(
    staff_client, unchanged
):
    _, market = unchanged
    response = post_to_all_boards(staff_client, "move_to_snapshot", [market], apply="Move")
    assert "0 prop market(s) moved to the live board." in messages_of(response)
    assert any(LEFT_OUT_MESSAGE in message for message in messages_of(response))


def test_moving_markets_into_a_locked_snapshot_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    live = PropMarketFactory()
    response = post_action(
        staff_client,
        "propmarket",
        "move_to_snapshot",
        [live],
        apply="Move",
        snapshot=str(snapshot.pk),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    live.refresh_from_db()
    assert live.snapshot_id is None


def test_adding_a_market_to_a_locked_snapshot_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    response = staff_client.post(
        reverse("admin:props_propmarket_add"),
        {
            "snapshot": str(snapshot.pk),
            "league": "NFL",
            "week": 5,
            "platform": "prizepicks",
            "player_name": "New Player",
            "market_type": "passing_yards",
            "line": 200.5,
            "is_active": "on",
            "extra_metadata": "{}",
        },
    )
    assert response.status_code == 200
    assert "is locked" in response.content.decode()
    assert not PropMarket.objects.filter(player_name="New Player").exists()


def test_moving_a_live_market_into_a_locked_snapshot_on_its_page_is_refused(
    staff_client, unchanged
):
    snapshot, _ = unchanged
    live = PropMarketFactory()
    response = staff_client.post(
        change_url(live),
        {
            "snapshot": str(snapshot.pk),
            "league": live.league,
            "week": live.week,
            "platform": live.platform,
            "player_name": live.player_name,
            "market_type": live.market_type,
            "line": live.line,
            "odds": live.odds,
            "is_active": "on",
            "extra_metadata": "{}",
        },
    )
    assert response.status_code == 200
    assert "is locked" in response.content.decode()
    live.refresh_from_db()
    assert live.snapshot_id is None


def test_reverting_a_locked_market_from_history_is_refused(staff_client, unchanged):
    _, market = unchanged
    version = PropMarket.history.filter(id=market.pk).earliest("history_date")
    url = reverse("admin:props_propmarket_simple_history", args=[market.pk, version.history_id])
    assert_refused_with_the_lock_notice(staff_client.post(url, {"line": 1.5}))


def test_a_locked_markets_old_version_is_shown_read_only_with_the_lock_notice(
    staff_client, unchanged
):
    _, market = unchanged
    version = PropMarket.history.filter(id=market.pk).earliest("history_date")
    url = reverse("admin:props_propmarket_simple_history", args=[market.pk, version.history_id])
    response = staff_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="lock-notice"' in page and "Locked by staff" in page
    assert 'value="Revert"' not in page
    assert 'name="line"' not in page  # shown, not editable


def test_a_market_locked_after_its_page_was_opened_cannot_be_saved(staff_client, staff_user):
    snapshot = SnapshotFactory()
    market = PropMarketFactory(snapshot=snapshot, line=100.5)
    assert staff_client.get(change_url(market)).status_code == 200
    lock_snapshot(snapshot=snapshot, user=staff_user)
    response = staff_client.post(change_url(market), {"line": 1.5})
    assert_refused_with_the_lock_notice(response)
    market.refresh_from_db()
    assert market.line == 100.5


def test_importing_into_a_locked_snapshot_is_not_offered(staff_client, unchanged, tmp_path):
    snapshot, _ = unchanged
    upload = tmp_path / "board.csv"
    upload.write_text(
        "platform,external_id,league,week,player_name,market_type,line\n"
        "prizepicks,x-1,NFL,5,Some Player,passing_yards,250.5\n"
    )
    with upload.open("rb") as handle:
        response = staff_client.post(
            reverse("admin:props_propmarket_import"),
            {"file": handle, "snapshot": str(snapshot.pk)},
        )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PropMarket.objects.filter(external_id="x-1").exists()


def assert_refused_with_the_lock_notice(response):
    """A refused write answers 403 with the admin page: the lock notice (who locked it, when)
    and a way back, no button that could not work."""
    page = response.content.decode()
    assert response.status_code == 403
    assert 'id="lock-notice"' in page
    assert "Locked by" in page
    assert 'id="back-to-object"' in page
    content = page[page.index('id="content"') :]
    assert 'type="submit"' not in content

"""A locked snapshot and its markets cannot be changed through any admin path.

Each path below is one way the admin writes; each test tries it on a locked snapshot (or a
market in one) and checks that nothing changed: not the rows, not their history, and that the
admin said why (or refused with 403 where Django's permission check answers first).
"""

import pytest
from django.urls import reverse

from props.models import PropMarket, Snapshot
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url, messages_of, post_action, post_rows

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = "is locked"


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
    assert response.status_code == 403


def test_locked_snapshot_delete_page_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    url = reverse("admin:props_snapshot_delete", args=[snapshot.pk])
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403


def test_delete_selected_snapshots_refuses_a_locked_one_and_says_why(staff_client, unchanged):
    snapshot, _ = unchanged
    response = post_action(staff_client, "snapshot", "delete_selected", [snapshot], post="yes")
    assert response.status_code == 302
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))


def test_reverting_a_snapshot_from_history_is_refused(staff_client, unchanged):
    snapshot, _ = unchanged
    version = Snapshot.history.filter(id=snapshot.pk).earliest("history_date")
    url = reverse("admin:props_snapshot_simple_history", args=[snapshot.pk, version.history_id])
    assert staff_client.post(url, {"snapshot_id": snapshot.snapshot_id}).status_code == 403


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
    assert response.status_code == 403


def test_locked_market_delete_page_is_refused(staff_client, unchanged):
    _, market = unchanged
    url = reverse("admin:props_propmarket_delete", args=[market.pk])
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403


def test_delete_selected_markets_refuses_locked_ones_and_says_why(staff_client, unchanged):
    _, market = unchanged
    live = PropMarketFactory()
    response = post_action(
        staff_client, "propmarket", "delete_selected", [market, live], post="yes"
    )
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))
    assert PropMarket.objects.filter(pk=live.pk).exists()


def test_delete_selected_across_every_page_refuses_locked_ones(staff_client, unchanged):
    _, market = unchanged
    response = post_action(
        staff_client, "propmarket", "delete_selected", [market], select_across="1", post="yes"
    )
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))


def test_list_editable_ignores_values_posted_for_a_locked_row(staff_client, unchanged):
    _, market = unchanged
    live = PropMarketFactory(line=10.5)
    response = post_rows(staff_client, [(market, {"line": 1.5}), (live, {"line": 11.5})])
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.line == 11.5  # the same POST did save the live row


def test_list_editable_renders_locked_rows_disabled_with_the_reason(staff_client, unchanged):
    _, market = unchanged
    response = staff_client.get(changelist_url("propmarket"))
    page = response.content.decode()
    link = page.index(change_url(market))
    row = page[page.rindex("<tr", 0, link) : page.index("</tr>", link)]
    assert "disabled" in row
    assert "is locked" in row


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_bulk_activation_refuses_locked_markets_and_says_why(staff_client, unchanged, action):
    _, market = unchanged
    live = PropMarketFactory(is_active=action == "deactivate")
    response = post_action(staff_client, "propmarket", action, [market, live])
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))
    live.refresh_from_db()
    assert live.is_active == (action == "deactivate")  # the whole selection was refused


def test_moving_markets_out_of_a_locked_snapshot_is_refused(staff_client, unchanged):
    _, market = unchanged
    page = post_action(staff_client, "propmarket", "move_to_snapshot", [market])
    assert "is locked" in page.content.decode()
    response = post_action(staff_client, "propmarket", "move_to_snapshot", [market], apply="Move")
    assert any(LOCKED_MESSAGE in message for message in messages_of(response))


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
    assert staff_client.post(url, {"line": 1.5}).status_code == 403


def test_a_market_locked_after_its_page_was_opened_cannot_be_saved(staff_client, staff_user):
    snapshot = SnapshotFactory()
    market = PropMarketFactory(snapshot=snapshot, line=100.5)
    assert staff_client.get(change_url(market)).status_code == 200
    lock_snapshot(snapshot=snapshot, user=staff_user)
    response = staff_client.post(change_url(market), {"line": 1.5})
    assert response.status_code == 403
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

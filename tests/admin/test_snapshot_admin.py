"""Snapshots in the admin: lock and unlock with confirmation (recording who and when), capture
the live board (a background job, run eagerly here; its progress page says what was captured),
edit and delete an unlocked snapshot."""

import pytest
from django.urls import reverse

from props.cache import boards_version
from props.models import PropMarket, Snapshot
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.jobs.eager import job_files, run_jobs_eagerly  # noqa: F401

from .conftest import messages_of, post_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("run_jobs_eagerly")]


def test_lock_action_asks_for_confirmation_first(staff_client):
    snapshot = SnapshotFactory()
    page = post_action(staff_client, "snapshot", "lock_selected", [snapshot])
    assert "Lock these snapshots?" in page.content.decode()
    snapshot.refresh_from_db()
    assert not snapshot.is_locked


def test_lock_action_locks_and_records_who_and_when(staff_client, staff_user):
    snapshot = SnapshotFactory()
    response = post_action(staff_client, "snapshot", "lock_selected", [snapshot], confirm="yes")
    assert f"Locked: {snapshot.snapshot_id}." in messages_of(response)
    snapshot.refresh_from_db()
    assert snapshot.is_locked and snapshot.locked_by == staff_user and snapshot.locked_at
    latest = snapshot.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("locked", staff_user)


def test_unlock_action_unlocks_and_keeps_who_in_history(staff_client, staff_user):
    snapshot = lock_snapshot(snapshot=SnapshotFactory(), user=staff_user)
    response = post_action(staff_client, "snapshot", "unlock_selected", [snapshot], confirm="yes")
    assert f"Unlocked: {snapshot.snapshot_id}." in messages_of(response)
    snapshot.refresh_from_db()
    assert not snapshot.is_locked
    assert snapshot.history.latest().history_change_reason == "unlocked"


def test_unlock_button_confirms_then_unlocks(staff_client, staff_user):
    snapshot = lock_snapshot(snapshot=SnapshotFactory(), user=staff_user)
    url = reverse("admin:props_snapshot_unlock", args=[snapshot.pk])
    assert "Unlock these snapshots?" in staff_client.get(url).content.decode()
    response = staff_client.post(url)
    assert response.url == reverse("admin:props_snapshot_change", args=[snapshot.pk])
    snapshot.refresh_from_db()
    assert not snapshot.is_locked


def test_locking_a_locked_snapshot_changes_nothing(staff_client, staff_user):
    snapshot = lock_snapshot(snapshot=SnapshotFactory(), user=staff_user)
    response = post_action(staff_client, "snapshot", "lock_selected", [snapshot], confirm="yes")
    assert "Nothing to do: the selected snapshots were already locked." in messages_of(response)


def test_capture_copies_the_live_board_into_a_new_snapshot(staff_client, staff_user):
    PropMarketFactory.create_batch(3, league="NFL", week=6)
    PropMarketFactory(league="NFL", week=7)
    response = staff_client.post(
        reverse("admin:props_snapshot_capture"),
        {"snapshot_id": "nfl-week-6-final", "league": "NFL", "week": 6, "lock": "on"},
    )
    assert response.status_code == 302
    assert (
        "Captured 3 markets of the live NFL week 6 board into nfl-week-6-final and locked it."
        in staff_client.get(response.url).content.decode()
    )
    snapshot = Snapshot.objects.get(snapshot_id="nfl-week-6-final")
    assert snapshot.is_locked and snapshot.locked_by == staff_user
    assert PropMarket.objects.filter(snapshot=snapshot).count() == 3


def test_capture_refuses_a_slug_in_use(staff_client):
    SnapshotFactory(snapshot_id="taken")
    response = staff_client.post(
        reverse("admin:props_snapshot_capture"),
        {"snapshot_id": "taken", "league": "NFL", "week": 6},
    )
    assert response.status_code == 200
    assert "Snapshot with this Snapshot id already exists." in response.content.decode()


def test_capture_of_an_empty_board_warns(staff_client):
    response = staff_client.post(
        reverse("admin:props_snapshot_capture"),
        {"snapshot_id": "empty", "league": "MLB", "week": 1},
    )
    page = staff_client.get(response.url).content.decode()
    assert "The live MLB week 1 board has no markets: empty is empty." in page


def test_editing_an_unlocked_snapshot_records_who_and_invalidates_the_cache(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    snapshot = SnapshotFactory(name="Old name")
    before = boards_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:props_snapshot_change", args=[snapshot.pk]),
            {
                "snapshot_id": snapshot.snapshot_id,
                "name": "New name",
                "league": "NFL",
                "week": 5,
                "season": 2024,
                "config": '{"risk_mode": "balanced"}',
                "tags": "[]",
            },
        )
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.name == "New name"
    assert snapshot.history.latest().history_user == staff_user
    assert boards_version() != before


def test_snapshot_config_must_be_a_json_object(staff_client):
    snapshot = SnapshotFactory()
    response = staff_client.post(
        reverse("admin:props_snapshot_change", args=[snapshot.pk]),
        {"snapshot_id": snapshot.snapshot_id, "league": "NFL", "week": 5, "config": "[]"},
    )
    assert "Must be a JSON object." in response.content.decode()


def test_deleting_a_snapshot_deletes_its_markets_and_says_so_first(staff_client):
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    live = PropMarketFactory()
    url = reverse("admin:props_snapshot_delete", args=[snapshot.pk])
    assert "Their 2 prop markets" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    assert list(PropMarket.objects.all()) == [live]

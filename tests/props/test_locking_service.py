import pytest

from props.models import PropMarket, Snapshot
from props.services import (
    SnapshotLocked,
    capture_snapshot,
    ensure_unlocked,
    lock_snapshot,
    unlock_snapshot,
)
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


def test_locking_records_who_and_when_and_is_idempotent(staff_user):
    snapshot = SnapshotFactory()
    locked = lock_snapshot(snapshot=snapshot, user=staff_user)
    assert locked.is_locked and locked.locked_by == staff_user and locked.locked_at

    again = lock_snapshot(snapshot=snapshot, user=None)
    assert (again.locked_by, again.locked_at) == (staff_user, locked.locked_at)


def test_unlocking_is_idempotent_and_history_keeps_who_locked_and_unlocked(staff_user, user):
    snapshot = SnapshotFactory()
    lock_snapshot(snapshot=snapshot, user=staff_user)
    unlock_snapshot(snapshot=snapshot, user=user)
    unlocked = unlock_snapshot(snapshot=snapshot, user=user)

    assert not unlocked.is_locked and unlocked.locked_by is None
    reasons = list(
        snapshot.history.order_by("history_date").values_list(
            "history_change_reason", "history_user"
        )
    )
    assert reasons[-2:] == [("locked", staff_user.pk), ("unlocked", user.pk)]


def test_ensure_unlocked_refuses_a_locked_snapshot_with_its_slug():
    snapshot = SnapshotFactory(snapshot_id="nba-week-12-final")
    ensure_unlocked(snapshot)
    ensure_unlocked(None)  # the live board
    lock_snapshot(snapshot=snapshot)
    with pytest.raises(SnapshotLocked, match="'nba-week-12-final' is locked"):
        ensure_unlocked(snapshot.pk)


def test_capture_copies_the_live_board_of_one_league_and_week():
    PropMarketFactory(player_name="A", line=10.5, odds=1.8, is_active=False)
    PropMarketFactory(player_name="B", line=20.5)
    PropMarketFactory(player_name="Other week", week=6)
    PropMarketFactory(player_name="Other league", league="NBA")
    PropMarketFactory(player_name="In a snapshot", snapshot=SnapshotFactory())

    snapshot = capture_snapshot(slug="nfl-week-5-final", league="NFL", week=5, season=2024)

    copies = PropMarket.objects.in_board(snapshot).order_by("player_name")
    assert [(m.player_name, m.line, m.is_active) for m in copies] == [
        ("A", 10.5, False),
        ("B", 20.5, True),
    ]
    assert snapshot.captured_markets == 2
    assert PropMarket.objects.live().count() == 4  # the live board is untouched


def test_capture_with_lock_produces_a_locked_snapshot(staff_user):
    PropMarketFactory()
    snapshot = capture_snapshot(slug="final", league="NFL", week=5, lock=True, user=staff_user)
    assert Snapshot.objects.get(pk=snapshot.pk).is_locked
    assert snapshot.locked_by == staff_user


def test_capture_into_an_existing_slug_fails_and_copies_nothing():
    SnapshotFactory(snapshot_id="taken")
    PropMarketFactory()
    with pytest.raises(Exception, match="taken"):
        capture_snapshot(slug="taken", league="NFL", week=5)
    assert PropMarket.objects.count() == 1

"""Locking a snapshot while an import writes into it, on two real connections: the import
either commits before the lock or fails cleanly after it — it never writes after the lock.

The writer does what an import does: `ensure_unlocked` inside its transaction, then writes. The
tests hold each side's transaction open and wait until PostgreSQL shows the other connection
waiting for the lock, so the interleaving is the one named, not a matter of timing."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from props.models import PropMarket
from props.services import (
    SnapshotLocked,
    ensure_unlocked,
    lock_snapshot,
    lock_violation_slug,
)
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 30
POLL_SECONDS = 0.05


def in_thread(target):
    """Start `target` on its own thread (and so its own connection); return the thread and a
    dict that receives its "result" or "error"."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until_a_connection_waits_for_a_lock():
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(POLL_SECONDS)
    pytest.fail("The second connection never waited for the first one's lock.")


def import_markets(snapshot, *, checked, proceed):
    """An import into `snapshot`: check the lock, signal `checked`, wait for `proceed`, write."""
    with transaction.atomic():
        ensure_unlocked(snapshot)
        checked.set()
        assert proceed.wait(WAIT_SECONDS)
        PropMarket.objects.bulk_create(PropMarketFactory.build_batch(3, snapshot=snapshot))


def test_an_import_that_started_first_commits_before_the_lock():
    snapshot = SnapshotFactory()
    checked, proceed = threading.Event(), threading.Event()
    writer, written = in_thread(lambda: import_markets(snapshot, checked=checked, proceed=proceed))
    assert checked.wait(WAIT_SECONDS)

    locker, locked = in_thread(lambda: lock_snapshot(snapshot=snapshot))
    wait_until_a_connection_waits_for_a_lock()
    assert locked == {}  # the lock waits for the import's transaction
    proceed.set()
    writer.join(WAIT_SECONDS)
    locker.join(WAIT_SECONDS)

    assert "error" not in written
    assert locked["result"].is_locked
    markets = PropMarket.objects.filter(snapshot=snapshot)
    assert markets.count() == 3
    assert all(market.created_at < locked["result"].locked_at for market in markets)


def test_an_import_that_reaches_a_locked_snapshot_fails_without_writing():
    snapshot = SnapshotFactory()
    holding, release = threading.Event(), threading.Event()

    def lock_and_hold():
        with transaction.atomic():
            lock_snapshot(snapshot=snapshot)
            holding.set()
            assert release.wait(WAIT_SECONDS)

    locker, locked = in_thread(lock_and_hold)
    assert holding.wait(WAIT_SECONDS)

    go_on = threading.Event()
    go_on.set()
    writer, written = in_thread(
        lambda: import_markets(snapshot, checked=threading.Event(), proceed=go_on)
    )
    wait_until_a_connection_waits_for_a_lock()
    release.set()
    locker.join(WAIT_SECONDS)
    writer.join(WAIT_SECONDS)

    assert "error" not in locked
    assert isinstance(written.get("error"), SnapshotLocked)
    assert not PropMarket.objects.filter(snapshot=snapshot).exists()


def test_an_import_after_the_lock_committed_fails_without_writing():
    snapshot = lock_snapshot(snapshot=SnapshotFactory())
    go_on = threading.Event()
    go_on.set()
    with pytest.raises(SnapshotLocked):
        import_markets(snapshot, checked=threading.Event(), proceed=go_on)
    assert not PropMarket.objects.filter(snapshot=snapshot).exists()


def test_a_raw_write_racing_the_lock_is_refused_by_the_trigger():
    """A writer that skips ensure_unlocked (a bare bulk insert) is still ordered by the
    trigger's FOR SHARE read of the snapshot row: it waits for the lock to commit, then fails."""
    snapshot = SnapshotFactory()
    holding, release = threading.Event(), threading.Event()

    def lock_and_hold():
        with transaction.atomic():
            lock_snapshot(snapshot=snapshot)
            holding.set()
            assert release.wait(WAIT_SECONDS)

    def raw_write():
        with transaction.atomic():
            PropMarket.objects.bulk_create(PropMarketFactory.build_batch(2, snapshot=snapshot))

    locker, locked = in_thread(lock_and_hold)
    assert holding.wait(WAIT_SECONDS)
    writer, written = in_thread(raw_write)
    wait_until_a_connection_waits_for_a_lock()
    release.set()
    locker.join(WAIT_SECONDS)
    writer.join(WAIT_SECONDS)

    assert "error" not in locked
    assert isinstance(written.get("error"), IntegrityError)
    assert lock_violation_slug(written["error"]) == snapshot.snapshot_id
    assert not PropMarket.objects.filter(snapshot=snapshot).exists()

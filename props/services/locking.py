"""Locking snapshots. The lock trigger (migration 0002) enforces the same rule in PostgreSQL;
these functions give the clear message first and take the row locks that order a lock against
a concurrent write such as an import."""

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..cache import invalidate_boards
from ..models import Snapshot
from .errors import SnapshotLocked


def ensure_unlocked(snapshot: Snapshot | uuid.UUID | str | None) -> None:
    """Refuse a write into `snapshot` (a Snapshot, its primary key, or None for the live board).

    Call it inside the writer's transaction, before writing: it locks the snapshot row (FOR NO
    KEY UPDATE), so a concurrent `lock_snapshot` waits for the writer to commit, and a writer
    that comes after a lock sees it and fails before writing anything. Writers into one snapshot
    are serialized by the same lock; the live board has no row and is not.
    """
    if snapshot is None:
        return
    snapshot_pk = snapshot.pk if isinstance(snapshot, Snapshot) else snapshot
    slug, is_locked = (
        Snapshot.objects.select_for_update(no_key=True)
        .filter(pk=snapshot_pk)
        .values_list("snapshot_id", "is_locked")
        .get()
    )
    if is_locked:
        raise SnapshotLocked(slug)


def lock_snapshot(*, snapshot: Snapshot, user: Any = None) -> Snapshot:
    """Lock a snapshot, recording who and when. Locking a locked snapshot changes nothing."""
    with transaction.atomic():
        locked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if not locked.is_locked:
            locked.is_locked = True
            locked.locked_at = timezone.now()
            locked.locked_by = user
            locked._change_reason = "locked"
            locked._history_user = user
            locked.save(update_fields=["is_locked", "locked_at", "locked_by"])
            invalidate_boards([(locked.league, locked.week)])
    return locked


def unlock_snapshot(*, snapshot: Snapshot, user: Any = None) -> Snapshot:
    """Unlock a snapshot. Unlocking an unlocked snapshot changes nothing.

    Who unlocked and when is kept in the snapshot's history; locked_by/locked_at are cleared.
    """
    with transaction.atomic():
        unlocked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if unlocked.is_locked:
            unlocked.is_locked = False
            unlocked.locked_at = None
            unlocked.locked_by = None
            unlocked._change_reason = "unlocked"
            unlocked._history_user = user
            unlocked.save(update_fields=["is_locked", "locked_at", "locked_by"])
            invalidate_boards([(unlocked.league, unlocked.week)])
    return unlocked

"""Capturing the live board into a snapshot."""

from django.db import transaction

from ..cache import invalidate_boards
from ..models import PropMarket, Snapshot
from .locking import ensure_unlocked, lock_snapshot

# Columns copied from a live market to its snapshot copy; ids and timestamps are new.
COPIED_FIELDS = [
    field.attname
    for field in PropMarket._meta.concrete_fields
    if field.attname not in {"id", "snapshot_id", "created_at", "updated_at"}
]


def capture_snapshot(
    *, slug, league, week, season=None, lock=False, user=None, **snapshot_fields
) -> Snapshot:
    """Copy the live board's markets of a league/week (active and inactive) into a new snapshot.

    One transaction: the snapshot and all its markets exist together or not at all. With
    `lock=True` the snapshot is locked in the same transaction. Extra keyword arguments
    (name, description, config, model_version …) are stored on the snapshot.
    """
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            snapshot_id=slug, league=league, week=week, season=season, **snapshot_fields
        )
        live = PropMarket.objects.live().for_week(league=league, week=week)
        if season is not None:
            live = live.filter(season=season)
        copies = [
            PropMarket(snapshot=snapshot, **row)
            for row in live.order_by().values(*COPIED_FIELDS).iterator(chunk_size=5000)
        ]
        PropMarket.objects.bulk_create(copies, batch_size=5000)
        if lock:
            snapshot = lock_snapshot(snapshot=snapshot, user=user)
        invalidate_boards([(league, week)])
    snapshot.captured_markets = len(copies)
    return snapshot


def update_snapshot(*, snapshot, user=None, **changes) -> Snapshot:
    """Change a snapshot's descriptive fields (name, description, config, tags …). A locked
    snapshot is refused; locking and unlocking go through `lock_snapshot`/`unlock_snapshot`."""
    with transaction.atomic():
        ensure_unlocked(snapshot)
        current = Snapshot.objects.get(pk=snapshot.pk)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current._history_user = user
        current.save()
        # Cached market lists show the snapshot's fields: none may be served stale.
        invalidate_boards([(current.league, current.week)])
    return current


def delete_snapshot(*, snapshot, user=None) -> int:
    """Delete an unlocked snapshot together with its prop markets (its content; left behind they
    would fall onto the live board). Experiments and slips keep existing, without the snapshot.
    Returns how many markets were deleted."""
    with transaction.atomic():
        ensure_unlocked(snapshot)
        markets = PropMarket.objects.filter(snapshot=snapshot)
        boards = {*markets.order_by().values_list("league", "week").distinct()}
        deleted, _ = markets.delete()
        snapshot._history_user = user
        snapshot.delete()
        invalidate_boards(boards)
    return deleted

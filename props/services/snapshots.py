"""Capturing the live board into a snapshot."""

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from ..cache import invalidate_boards
from ..history import MARKET_TABLE, quoted, recording_history
from ..models import PropMarket, Snapshot
from ..tasks.maintenance import analyze_after_commit
from .locking import ensure_unlocked, lock_snapshot

# Columns copied from a live market to its snapshot copy; ids and timestamps are new.
COPIED_FIELDS = [
    field.attname
    for field in PropMarket._meta.concrete_fields
    if field.attname not in {"id", "snapshot_id", "created_at", "updated_at"}
]
COPIED_COLUMNS = [PropMarket._meta.get_field(name).column for name in COPIED_FIELDS]  # type: ignore[union-attr]
CAPTURED = "captured from the live board"


def capture_snapshot(
    *, slug, league, week, season=None, lock=False, user=None, **snapshot_fields
) -> Snapshot:
    """Copy the live board's markets of a league/week (active and inactive) into a new snapshot.

    One transaction: the snapshot and all its markets exist together or not at all. Each copy
    gets a '+' history row ("captured from the live board"). With `lock=True` the snapshot is
    locked in the same transaction. Extra keyword arguments (name, description, config,
    model_version …) are stored on the snapshot. On PostgreSQL the copy is one
    `INSERT … SELECT` with its history rows; the tables' ANALYZE (5 s at 1M markets), so that
    plans and list estimates see the new rows, is queued to run after the commit
    (props.tasks.maintenance), not in the caller's request.
    """
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            snapshot_id=slug, league=league, week=week, season=season, **snapshot_fields
        )
        live = PropMarket.objects.live().for_week(league=league, week=week)
        if season is not None:
            live = live.filter(season=season)
        if connection.vendor == "postgresql":
            captured = _copy_in_sql(live, snapshot, user)
        else:
            captured = _copy_through_the_orm(live, snapshot, user)
        if lock:
            snapshot = lock_snapshot(snapshot=snapshot, user=user)
        invalidate_boards([(league, week)])
        if connection.vendor == "postgresql" and captured:
            analyze_after_commit()
    snapshot.captured_markets = captured  # type: ignore[attr-defined]
    return snapshot


def _copy_in_sql(live, snapshot, user) -> int:
    selection, params = live.order_by().values(*COPIED_FIELDS).query.sql_with_params()
    copied = quoted(COPIED_COLUMNS)
    change = (
        f'INSERT INTO "{MARKET_TABLE}" (id, snapshot_id, {copied}, created_at, updated_at) '
        f"SELECT gen_random_uuid(), %s, live.*, statement_timestamp(), statement_timestamp() "
        f"FROM ({selection}) live RETURNING *"
    )
    sql = recording_history(
        change,
        date="statement_timestamp()",
        history_type="'+'",
        user="%s",
        reason="%s",
        result="SELECT count(*) FROM changed",
    )
    user_id = user.pk if user is not None and user.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot.pk, *params, user_id, CAPTURED])
        return cursor.fetchone()[0]


def _copy_through_the_orm(live, snapshot, user) -> int:
    # The development database (SQLite): the same copies and history through the ORM.
    copies = [
        PropMarket(snapshot=snapshot, **row)
        for row in live.order_by().values(*COPIED_FIELDS).iterator(chunk_size=5000)
    ]
    bulk_create_with_history(
        copies, PropMarket, batch_size=5000, default_user=user, default_change_reason=CAPTURED
    )
    return len(copies)


def update_snapshot(*, snapshot, user=None, **changes) -> Snapshot:
    """Change a snapshot's descriptive fields (name, description, config, tags …). A locked
    snapshot is refused; locking and unlocking go through `lock_snapshot`/`unlock_snapshot`."""
    with transaction.atomic():
        ensure_unlocked(snapshot)
        current = Snapshot.objects.get(pk=snapshot.pk)
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        current._history_user = user  # type: ignore[attr-defined]
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

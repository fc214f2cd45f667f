"""Bulk changes of prop markets from admin actions, in set-based SQL that records history.

QuerySet.update() and delete() on thousands of rows bypass django-simple-history (or, for
delete, send one signal and one INSERT per row). Here each change is one statement: a
data-modifying CTE changes the rows and inserts their history rows (who, when, why) from what
the change RETURNed, so history cannot miss a row or record one that did not change. The lock
rule is the services': `ensure_unlocked` on every snapshot touched (it also takes the row lock
that orders these writes against `lock_snapshot`), and the PostgreSQL trigger backs it up.
"""

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..cache import invalidate_boards
from ..models import PropMarket
from ..services import ensure_unlocked

MARKETS_TABLE = PropMarket._meta.db_table
HISTORY_TABLE = PropMarket.history.model._meta.db_table
MARKET_COLUMNS = [field.column for field in PropMarket._meta.concrete_fields]


def set_markets_active(*, queryset, active, user=None) -> int:
    """Activate or deactivate the selected markets; returns how many changed. The whole
    selection is refused (SnapshotLocked) if any of it is in a locked snapshot."""
    reason = "activated in admin" if active else "deactivated in admin"
    with transaction.atomic():
        _ensure_snapshots_unlocked(queryset)
        return _update_recording_history(
            queryset.exclude(is_active=active),
            column="is_active",
            value=active,
            user=user,
            reason=reason,
        )


def move_markets(*, queryset, snapshot, user=None) -> int:
    """Move the selected markets into `snapshot` (None: the live board); returns how many moved.

    Raises SnapshotLocked if a selected market is in a locked snapshot or the target is locked,
    and IntegrityError if a moved market's (platform, external_id) is already in the target."""
    target = snapshot.pk if snapshot is not None else None
    reason = f"moved to {snapshot.snapshot_id if snapshot else 'the live board'} in admin"
    with transaction.atomic():
        _ensure_snapshots_unlocked(queryset, also=target)
        moving = queryset.exclude(snapshot=target) if target else queryset.exclude(snapshot=None)
        return _update_recording_history(
            moving, column="snapshot_id", value=target, user=user, reason=reason
        )


def delete_markets(*, queryset, user=None) -> int:
    """Delete the selected markets, recording a '-' history row for each; returns how many."""
    columns = ", ".join(connection.ops.quote_name(column) for column in MARKET_COLUMNS)
    selection, params = queryset.order_by().values("pk").query.sql_with_params()
    with transaction.atomic():
        _ensure_snapshots_unlocked(queryset)
        if connection.vendor != "postgresql":
            return _delete_through_the_orm(queryset)
        return _run_recording_history(
            f"DELETE FROM {MARKETS_TABLE} WHERE id IN ({selection}) RETURNING {columns}",
            [*params],
            history_type="-",
            user=user,
            reason="deleted in admin",
        )


def _ensure_snapshots_unlocked(queryset, also=None):
    snapshot_ids = set(
        queryset.exclude(snapshot=None).order_by().values_list("snapshot_id", flat=True).distinct()
    )
    if also is not None:
        snapshot_ids.add(also)
    # A fixed order, so two bulk writes over the same snapshots cannot deadlock.
    for snapshot_id in sorted(snapshot_ids, key=str):
        ensure_unlocked(snapshot_id)


def _update_recording_history(queryset, *, column, value, user, reason) -> int:
    if connection.vendor != "postgresql":
        return _update_through_the_orm(queryset, column, value, user, reason)
    columns = ", ".join(connection.ops.quote_name(name) for name in MARKET_COLUMNS)
    selection, params = queryset.order_by().values("pk").query.sql_with_params()
    change = (
        f"UPDATE {MARKETS_TABLE} SET {connection.ops.quote_name(column)} = %s, "
        f"updated_at = statement_timestamp() WHERE id IN ({selection}) RETURNING {columns}"
    )
    return _run_recording_history(
        change, [value, *params], history_type="~", user=user, reason=reason
    )


def _run_recording_history(change_sql, params, *, history_type, user, reason) -> int:
    columns = ", ".join(connection.ops.quote_name(column) for column in MARKET_COLUMNS)
    sql = f"""
        WITH changed AS ({change_sql}),
        recorded AS (
            INSERT INTO {HISTORY_TABLE} ({columns}, history_date, history_type,
                                          history_user_id, history_change_reason)
            SELECT {columns}, statement_timestamp(), %s, %s, %s FROM changed
            RETURNING league, week
        )
        SELECT league, week, count(*) FROM recorded GROUP BY league, week
    """
    user_id = user.pk if user is not None and user.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, history_type, user_id, reason[:100]])
        boards = cursor.fetchall()
    invalidate_boards([(league, week) for league, week, _ in boards])
    return sum(count for _, _, count in boards)


# The development database (SQLite, `make run`) has no data-modifying CTE: the same changes
# through the ORM, one history row per market from simple-history's own utilities.


def _update_through_the_orm(queryset, attname, value, user, reason) -> int:
    markets = list(queryset)
    now = timezone.now()
    for market in markets:
        setattr(market, attname, value)
        market.updated_at = now
    bulk_update_with_history(
        markets,
        PropMarket,
        [attname, "updated_at"],
        default_user=user,
        default_change_reason=reason[:100],
    )
    invalidate_boards({(market.league, market.week) for market in markets})
    return len(markets)


def _delete_through_the_orm(queryset) -> int:
    boards = set(queryset.order_by().values_list("league", "week").distinct())
    # simple-history records each deletion (with the request's user) from the delete signal.
    deleted, _ = queryset.delete()
    invalidate_boards(boards)
    return deleted

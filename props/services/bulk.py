"""Writes of many prop markets at once (the admin's bulk actions), each one SQL statement that
also writes the history rows (`props.history`).

A selection is a QuerySet (ticked rows, or every row of a filter). Markets of locked snapshots
in it are left out, not refused: the rest is changed and the result says how many were left out
and which snapshots held them. Which snapshots are locked is read under their row locks
(`FOR NO KEY UPDATE`, the lock `ensure_unlocked` takes), so a snapshot cannot be locked between
that check and the write. A write *into* a locked snapshot (a move) is refused as a whole.
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..cache import invalidate_boards
from ..history import MARKET_COLUMNS, MARKET_TABLE, history_reason, quoted, recording_history
from ..models import MAX_LINE, PropMarket, Snapshot
from ..odds import InvalidOdds, normalize_odds
from .errors import DomainError, SnapshotLocked, lock_violation_slug

LIVE_BOARD = "live board"
# Lines and shifted lines keep this many decimals (0.1 steps must not drift in floating point).
LINE_DECIMALS = 4


class BoardMismatch(DomainError):
    """A move into a snapshot of another league or week."""


class AlreadyInTarget(DomainError):
    """A moved market's natural key (platform, external id) is already in the target board."""


@dataclass(frozen=True)
class BulkResult:
    changed: int
    skipped_locked: int = 0
    locked_snapshots: tuple = ()

    def left_out(self) -> str:
        """Why markets were left out, for a message; empty when none was."""
        if not self.skipped_locked:
            return ""
        slugs = ", ".join(f"'{slug}'" for slug in self.locked_snapshots)
        return (
            f"{self.skipped_locked} prop market(s) left out: they are in locked snapshot(s) "
            f"{slugs}, which cannot change until staff unlock them."
        )


@dataclass(frozen=True)
class MarketEdit:
    """One change applied to every market of a selection: `field` set to `value`, or (with
    `shift`) the line moved by `value`. Validated on creation, so a bad value changes nothing."""

    field: str  # "line", "odds" or "is_active"
    value: object
    shift: bool = False

    def __post_init__(self):
        if self.field not in {"line", "odds", "is_active"}:
            raise ValueError(f"Bulk edits change line, odds or is_active, not {self.field!r}.")
        if self.shift and self.field != "line":
            raise ValueError("Only the line can be shifted.")
        if self.field == "line" and not self.shift and not 0 <= self.value <= MAX_LINE:  # type: ignore[operator]
            raise DomainError(f"A line must be between 0 and {MAX_LINE:,}.")
        if self.shift and self.value == 0:
            raise DomainError("Shifting the line by 0 changes nothing.")
        if self.field == "odds":
            try:
                object.__setattr__(self, "value", normalize_odds(self.value))
            except InvalidOdds as exc:
                raise DomainError(str(exc)) from None

    def new_value(self, market):
        if self.shift:
            return round(market.line + self.value, LINE_DECIMALS)
        return self.value

    def describe(self) -> str:
        if self.shift:
            return f"line shifted by {self.value:+g}"
        if self.field == "is_active":
            return "activated" if self.value else "deactivated"
        return f"{self.field} set to {self.value:g}"

    def assignment_sql(self) -> tuple[str, str, list]:
        """(SET expression, WHERE condition that the row would change, params of both)."""
        column = f'"{self.field}"'
        if self.shift:
            new = f"round(({column} + %s)::numeric, {LINE_DECIMALS})::double precision"
            return new, f"{new} IS DISTINCT FROM {column}", [self.value, self.value]
        return "%s", f"{column} IS DISTINCT FROM %s", [self.value, self.value]


def edit_markets(*, queryset, edit, user=None, reason="") -> BulkResult:
    """Apply `edit` (a MarketEdit) to the selected markets, leaving out those of locked
    snapshots and those that already have the value. A shift that would take a line out of
    range changes nothing (DomainError)."""
    description = f"{edit.describe()} in admin"
    with transaction.atomic():
        rest, result = _leave_out_locked(queryset)
        if edit.shift:
            _refuse_lines_out_of_range(rest, edit.value)
        new, differs, params = edit.assignment_sql()
        if connection.vendor != "postgresql":
            markets = [m for m in rest if edit.new_value(m) != getattr(m, edit.field)]
            changed = _update_through_the_orm(
                markets, edit.field, edit.new_value, user, history_reason(description, reason)
            )
        else:
            selection, selection_params = _selection_sql(rest)
            change = (
                f'UPDATE "{MARKET_TABLE}" SET "{edit.field}" = {new}, '
                f"updated_at = statement_timestamp() "
                f"WHERE id IN ({selection}) AND {differs} RETURNING *"
            )
            changed = _run(
                change,
                [params[0], *selection_params, params[1]],
                history_type="'~'",
                user=user,
                reason="%s",
                reason_params=[history_reason(description, reason)],
            )
    return BulkResult(changed, result.skipped_locked, result.locked_snapshots)


def move_markets(*, queryset, snapshot, user=None, reason="") -> BulkResult:
    """Move the selected markets into `snapshot` (None: the live board); their history reads
    "<from> → <to>" (e.g. "live board → nfl-week-5-2024").

    Markets of locked snapshots are left out. Refused as a whole (nothing moves): a locked
    target (SnapshotLocked), markets of another league or week than the target snapshot
    (BoardMismatch, naming them), a market whose platform and external id are already in the
    target (AlreadyInTarget)."""
    target_pk = snapshot.pk if snapshot is not None else None
    target_name = snapshot.snapshot_id if snapshot is not None else LIVE_BOARD
    try:
        with transaction.atomic():
            rest, result = _leave_out_locked(queryset, target=target_pk)
            moving = rest.exclude(snapshot=target_pk) if target_pk else rest.exclude(snapshot=None)
            if snapshot is not None:
                _refuse_other_boards(moving, snapshot)
            changed = _move(moving, target_pk, target_name, user, reason)
    except IntegrityError as exc:
        slug = lock_violation_slug(exc)
        if slug is not None:
            raise SnapshotLocked(slug) from None
        raise AlreadyInTarget(
            f"Some of these markets are already in the target, {target_name} (same platform "
            "and external id), so none was moved."
        ) from None
    return BulkResult(changed, result.skipped_locked, result.locked_snapshots)


def delete_markets(*, queryset, user=None, reason="") -> BulkResult:
    """Delete the selected markets, recording a '-' history row for each; markets of locked
    snapshots are left out."""
    with transaction.atomic():
        rest, result = _leave_out_locked(queryset)
        if connection.vendor != "postgresql":
            markets = list(rest)
            for market in markets:
                # simple-history records each deletion from the delete signal.
                market._history_user = user
                market._change_reason = history_reason("deleted in admin", reason)
                market.delete()
            invalidate_boards({(market.league, market.week) for market in markets})
            changed = len(markets)
        else:
            selection, params = _selection_sql(rest)
            changed = _run(
                f'DELETE FROM "{MARKET_TABLE}" WHERE id IN ({selection}) RETURNING *',
                params,
                history_type="'-'",
                user=user,
                reason="%s",
                reason_params=[history_reason("deleted in admin", reason)],
            )
    return BulkResult(changed, result.skipped_locked, result.locked_snapshots)


def locked_in(queryset) -> tuple[int, tuple]:
    """(how many selected markets are in locked snapshots, those snapshots' slugs), for a
    confirmation page; the write itself decides again under the snapshots' row locks."""
    locked = queryset.filter(snapshot__is_locked=True)
    slugs = tuple(
        locked.order_by("snapshot__snapshot_id")
        .values_list("snapshot__snapshot_id", flat=True)
        .distinct()[:10]
    )
    return (locked.count() if slugs else 0), slugs


# --- the pieces ---------------------------------------------------------------------------------


def _leave_out_locked(queryset, target=None):
    """Row-lock every snapshot the selection touches (and the target, which must be unlocked),
    in a fixed order so two bulk writes cannot deadlock; return the selection without the
    markets of locked snapshots, and a BulkResult saying how many were left out."""
    snapshot_ids = set(
        queryset.exclude(snapshot=None).order_by().values_list("snapshot_id", flat=True).distinct()
    )
    if target is not None:
        snapshot_ids.add(target)
    rows = (
        Snapshot.objects.select_for_update(no_key=True)
        .filter(pk__in=snapshot_ids)
        .order_by("pk")
        .values_list("pk", "snapshot_id", "is_locked")
    )
    locked = {pk: slug for pk, slug, is_locked in rows if is_locked}
    if target in locked:
        raise SnapshotLocked(locked[target])
    if not locked:
        return queryset, BulkResult(0)
    skipped = queryset.filter(snapshot_id__in=locked).count()
    return (
        queryset.exclude(snapshot_id__in=locked),
        BulkResult(0, skipped, tuple(sorted(locked.values()))),
    )


def _refuse_lines_out_of_range(queryset, shift):
    # `line + 0`, not `line`: PostgreSQL answers MIN/MAX of a bare column by walking the line
    # index from one end and filtering, which at 1M rows reads a quarter of the table for a
    # 500-market selection; over an expression it reads just the selected rows.
    bounds = queryset.aggregate(lowest=Min(F("line") + 0.0), highest=Max(F("line") + 0.0))
    if bounds["lowest"] is None:
        return
    if bounds["lowest"] + shift < 0:
        raise DomainError(
            f"Shifting by {shift:+g} would take lines below 0 (the lowest selected line is "
            f"{bounds['lowest']:g}). Nothing was changed."
        )
    if bounds["highest"] + shift > MAX_LINE:
        raise DomainError(
            f"Shifting by {shift:+g} would take lines above {MAX_LINE:,} (the highest selected "
            f"line is {bounds['highest']:g}). Nothing was changed."
        )


def _refuse_other_boards(queryset, snapshot):
    others = list(
        queryset.exclude(league=snapshot.league, week=snapshot.week)
        .order_by("league", "week")
        .values_list("league", "week")
        .distinct()[:5]
    )
    if others:
        count = queryset.exclude(league=snapshot.league, week=snapshot.week).count()
        boards = ", ".join(f"{league} week {week}" for league, week in others)
        raise BoardMismatch(
            f"Snapshot '{snapshot.snapshot_id}' is {snapshot.league} week {snapshot.week}; "
            f"{count} selected market(s) are of {boards}. Nothing was moved."
        )


def _move(queryset, target_pk, target_name, user, reason) -> int:
    staff_reason = f": {reason.strip()}" if reason and reason.strip() else ""
    if connection.vendor != "postgresql":
        markets = list(queryset.select_related("snapshot"))
        for market in markets:
            source = market.snapshot.snapshot_id if market.snapshot_id else LIVE_BOARD
            market._change_reason = f"{source} → {target_name}{staff_reason}"
        return _update_through_the_orm(markets, "snapshot_id", lambda m: target_pk, user, "")
    selection, params = _selection_sql(queryset)
    # The old board's name comes from a second scan of the same rows, which sees them as they
    # were before the UPDATE.
    change = (
        f'UPDATE "{MARKET_TABLE}" m SET snapshot_id = %s, updated_at = statement_timestamp() '
        f'FROM "{MARKET_TABLE}" old LEFT JOIN "{Snapshot._meta.db_table}" s '
        f"ON s.id = old.snapshot_id "
        f"WHERE old.id = m.id AND m.id IN ({selection}) "
        f"RETURNING {quoted(MARKET_COLUMNS, 'm')}, "
        f"coalesce(s.snapshot_id, '{LIVE_BOARD}') AS moved_from"
    )
    return _run(
        change,
        [target_pk, *params],
        history_type="'~'",
        user=user,
        reason="moved_from || %s",
        reason_params=[f" → {target_name}{staff_reason}"],
    )


def _selection_sql(queryset):
    return queryset.order_by().values("pk").query.sql_with_params()


def _run(change, params, *, history_type, user, reason, reason_params) -> int:
    sql = recording_history(
        change, date="statement_timestamp()", history_type=history_type, user="%s", reason=reason
    )
    user_id = user.pk if user is not None and user.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, user_id, *reason_params])
        boards = cursor.fetchall()
    invalidate_boards([(league, week) for league, week, _ in boards])
    return sum(count for _, _, count in boards)


# The development database (SQLite, `make run`) has no data-modifying CTE: the same changes
# through the ORM, one history row per market from simple-history's own utilities.


def _update_through_the_orm(markets, attname, new_value, user, reason) -> int:
    now = timezone.now()
    boards = {(market.league, market.week) for market in markets}
    for market in markets:
        setattr(market, attname, new_value(market))
        market.updated_at = now
    bulk_update_with_history(
        markets,
        PropMarket,
        [attname, "updated_at"],
        default_user=user,
        default_change_reason=reason,
    )
    invalidate_boards(boards)
    return len(markets)

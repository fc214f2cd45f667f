"""Writes of prop markets: one market at a time (API, admin) and the seed's clean-up.

Every write refuses a locked snapshot (`ensure_unlocked`, inside the transaction, before
writing) and invalidates the board cache of the league/weeks it touches.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from ..cache import invalidate_boards
from ..history import history_reason
from ..models import PropMarket, Snapshot
from .locking import ensure_unlocked


def delete_props_created_before(*, cutoff: datetime) -> int:
    """The seed's clean-up: delete markets created before `cutoff`, leaving locked snapshots'
    markets alone (they are frozen). Returns how many were deleted."""
    with transaction.atomic():
        doomed = PropMarket.objects.unlocked().created_before(cutoff)
        pairs = list(doomed.order_by().values_list("league", "week").distinct())
        deleted, _ = doomed.delete()
        invalidate_boards(pairs)
    return deleted


def create_market(*, user: Any = None, **fields: Any) -> PropMarket:
    """Create one prop market (the live board when `snapshot` is None), refusing a locked
    snapshot. Fields are validated by the model's rules (full_clean); odds follow the odds rule."""
    with transaction.atomic():
        ensure_unlocked(fields.get("snapshot"))
        market = PropMarket(**fields)
        _save_validated(market, user)
        invalidate_boards([(market.league, market.week)])
    return market


def update_market(
    *, market: PropMarket, user: Any = None, reason: str = "", **changes: Any
) -> PropMarket:
    """Change fields of a prop market; `reason` (optional) is recorded in its history, after
    "<from> → <to>" when it moves to another board. Refused when it is in a locked snapshot, or
    when it is moved into one. Both the old and the new league/week boards are invalidated."""
    with transaction.atomic():
        current = PropMarket.objects.select_for_update().get(pk=market.pk)
        ensure_unlocked(current.snapshot_id)
        description = ""
        if "snapshot" in changes and _pk(changes["snapshot"]) != current.snapshot_id:
            ensure_unlocked(changes["snapshot"])
            description = f"{_board_name(current.snapshot_id)} → {_board_name(changes['snapshot'])}"
        old_board = (current.league, current.week)
        for name, value in changes.items():
            setattr(current, name, value)
        current._change_reason = history_reason(description, reason)
        _save_validated(current, user)
        invalidate_boards([old_board, (current.league, current.week)])
    return current


def delete_market(*, market: PropMarket, user: Any = None) -> None:
    """Delete a prop market, refusing one in a locked snapshot."""
    with transaction.atomic():
        current = PropMarket.objects.select_for_update().get(pk=market.pk)
        ensure_unlocked(current.snapshot_id)
        current._history_user = user
        current.delete()
        invalidate_boards([(current.league, current.week)])


def _save_validated(market: PropMarket, user: Any) -> None:
    market.full_clean()
    market._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    market.save()


def _pk(snapshot: Snapshot | uuid.UUID | None) -> Any:
    return getattr(snapshot, "pk", snapshot)


def _board_name(snapshot: Snapshot | uuid.UUID | None) -> str:
    if snapshot is None:
        return "live board"
    if isinstance(snapshot, Snapshot):
        return snapshot.snapshot_id
    return Snapshot.objects.filter(pk=snapshot).values_list("snapshot_id", flat=True).get()

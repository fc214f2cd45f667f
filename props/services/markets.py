"""Maintenance of prop markets."""

from django.db import transaction

from ..cache import invalidate_boards
from ..models import PropMarket


def delete_props_created_before(*, cutoff) -> int:
    """The seed's clean-up: delete markets created before `cutoff`, leaving locked snapshots'
    markets alone (they are frozen). Returns how many were deleted."""
    with transaction.atomic():
        doomed = PropMarket.objects.unlocked().created_before(cutoff)
        pairs = list(doomed.order_by().values_list("league", "week").distinct())
        deleted, _ = doomed.delete()
        invalidate_boards(pairs)
    return deleted

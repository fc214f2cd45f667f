"""Saved slips."""

from django.db import transaction
from django.utils import timezone

from ..models import SavedSlip
from .errors import SlipAlreadyPlaced


def place_slip(*, slip) -> SavedSlip:
    """Mark a slip placed, once: placing it again raises SlipAlreadyPlaced."""
    with transaction.atomic():
        current = SavedSlip.objects.select_for_update().get(pk=slip.pk)
        if current.is_placed:
            raise SlipAlreadyPlaced(
                f"This slip was already placed at {current.placed_at:%Y-%m-%d %H:%M UTC}."
            )
        current.is_placed = True
        current.placed_at = timezone.now()
        current.save(update_fields=["is_placed", "placed_at", "updated_at"])
    return current

"""Saved slips."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.choices import SubscriptionTier

from ..models import SavedSlip
from .errors import SlipAlreadyPlaced, TierLimitReached


def create_saved_slip(*, user: Any, **fields: Any) -> SavedSlip:
    """Save a slip for `user`; a free-tier user keeps at most FREE_TIER_MAX_SAVED_SLIPS.

    The user's row is locked before counting, so concurrent saves by one user are serialized
    and cannot both pass the cap. Raises TierLimitReached beyond it.
    """
    with transaction.atomic():
        tier = (
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=user.pk)
            .values_list("subscription_tier", flat=True)
            .get()
        )
        limit = settings.FREE_TIER_MAX_SAVED_SLIPS
        if tier == SubscriptionTier.FREE and SavedSlip.objects.filter(user=user).count() >= limit:
            raise TierLimitReached(
                f"Free accounts keep at most {limit} saved slips: delete one, or upgrade to "
                "Pro to save more."
            )
        return SavedSlip.objects.create(user=user, **fields)


def place_slip(*, slip: SavedSlip) -> SavedSlip:
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

"""Write operations on accounts."""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F

from .models import User


class CreditsError(Exception):
    """A credits operation that cannot be done; the message says why."""


class InsufficientCredits(CreditsError):
    pass


def transfer_credits(*, from_user_id, to_user_id, amount) -> tuple[Decimal, Decimal]:
    """Move `amount` credits from one user to another, atomically; return both new balances.

    Both rows are locked in primary-key order, so two transfers in opposite directions cannot
    deadlock, and the balance is checked under the lock, so concurrent transfers can neither
    overdraw an account nor create or lose credits. The `credits >= 0` CHECK backs this up.
    """
    try:
        sender_id, receiver_id = uuid.UUID(str(from_user_id)), uuid.UUID(str(to_user_id))
    except ValueError as exc:
        raise CreditsError("Users are identified by their UUID.") from exc
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise CreditsError(f"{amount!r} is not an amount of credits.") from exc
    if not amount.is_finite() or amount <= 0:
        raise CreditsError("The amount to transfer must be a positive number of credits.")
    if sender_id == receiver_id:
        raise CreditsError("Credits cannot be transferred to the same user.")

    with transaction.atomic():
        balances = dict(
            User.objects.select_for_update()
            .filter(pk__in=[sender_id, receiver_id])
            .order_by("pk")
            .values_list("pk", "credits")
        )
        if len(balances) != 2:
            raise CreditsError("Both users must exist.")
        if balances[sender_id] < amount:
            raise InsufficientCredits(
                f"{balances[sender_id]} credits available, {amount} requested."
            )
        User.objects.filter(pk=sender_id).update(credits=F("credits") - amount)
        User.objects.filter(pk=receiver_id).update(credits=F("credits") + amount)
    return balances[sender_id] - amount, balances[receiver_id] + amount

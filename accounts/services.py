"""Write operations on accounts."""

import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from .choices import IdentityProvider
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


class EmailAlreadyRegistered(Exception):
    """A provider's new user claims an email another account already has."""


SUBJECT_FIELD = {
    IdentityProvider.CLERK: "clerk_user_id",
    IdentityProvider.SUPABASE: "supabase_user_id",
}
_PLAIN_LOCAL_PART = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def placeholder_email(provider, subject) -> str:
    """The email of a provisioned user whose token carries none: unique per subject, and in the
    reserved `.invalid` domain so that nothing is ever sent to it."""
    subject = str(subject)
    if _PLAIN_LOCAL_PART.match(subject):
        local = subject
    else:
        local = hashlib.sha256(subject.encode()).hexdigest()[:40]
    return f"{local}@{provider}.users.invalid"


def usable_email(value) -> str | None:
    """`value` if it is an email address the users table can hold, else None."""
    if not isinstance(value, str) or not value or len(value) > 255 or "\x00" in value:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def provision_external_user(*, provider, subject, email=None, full_name="") -> User:
    """The user a Clerk or Supabase subject stands for, created on first sight.

    The email comes from the token's claims when it has a usable one, else a placeholder. An
    existing account is never linked by email: a new subject whose email another account has
    raises EmailAlreadyRegistered (staff link accounts by setting the provider id in the
    admin). Two first requests of one subject may race: the loser's insert fails on the unique
    provider id and it returns the winner's row.
    """
    field = SUBJECT_FIELD[IdentityProvider(provider)]
    user = User.objects.filter(**{field: subject}).first()
    if user is not None:
        return user
    email = usable_email(email) or placeholder_email(provider, subject)
    full_name = full_name[:255] if isinstance(full_name, str) else ""
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, full_name=full_name.replace("\x00", ""), **{field: subject}
            )
    except IntegrityError:
        user = User.objects.filter(**{field: subject}).first()
        if user is not None:
            return user
        if User.objects.filter(email__iexact=email).exists():
            raise EmailAlreadyRegistered(
                f"An account with the email {email} already exists. Sign in the way you did "
                "before, or ask support to link this sign-in to it."
            ) from None
        raise

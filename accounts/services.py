"""Write operations on accounts."""

import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from .choices import SUBJECT_FIELDS, CreditKind, IdentityProvider
from .models import MAX_CREDITS, CreditTransaction, User

CENT = Decimal("0.01")


class CreditsError(Exception):
    """A credits operation that cannot be done; the message says why."""


class InsufficientCredits(CreditsError):
    pass


class IdempotencyKeyReused(CreditsError):
    """An idempotency key already recorded a different operation for this user."""


MAX_IDEMPOTENCY_KEY_LENGTH: int = CreditTransaction._meta.get_field("idempotency_key").max_length  # type: ignore[assignment]
MAX_REASON_LENGTH: int = CreditTransaction._meta.get_field("reason").max_length  # type: ignore[assignment]


# --- the ledger ----------------------------------------------------------------------------------
#
# Every change of a balance is one service call: it locks the users' rows (always in primary-key
# order, so concurrent operations on the same users cannot deadlock), checks the balance under
# the lock, appends the ledger rows and writes `users.credits` in one transaction. With an
# idempotency key, a second call returns the first call's row instead of doing it again; the key
# is looked up after the lock is taken, so a concurrent retry waits and then finds it.


def grant_credits(*, user_id, amount, reason="", actor=None, idempotency_key=None, purchase=False):
    """Add credits (a grant, or a purchase with `purchase=True`); return the ledger row."""
    kind = CreditKind.PURCHASE if purchase else CreditKind.GRANT
    return _record(
        user_id=user_id,
        kind=kind,
        amount=_positive_amount(amount, "grant"),
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


def spend_credits(*, user_id, amount, reason="", actor=None, idempotency_key=None):
    """Take `amount` credits for something the user used; refused beyond the balance."""
    return _record(
        user_id=user_id,
        kind=CreditKind.SPEND,
        amount=-_positive_amount(amount, "spend"),
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


def refund_credits(*, user_id, amount, reason="", actor=None, idempotency_key=None):
    """Give back credits that were spent; return the ledger row."""
    return _record(
        user_id=user_id,
        kind=CreditKind.REFUND,
        amount=_positive_amount(amount, "refund"),
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


def adjust_credits(*, user_id, amount, reason, actor=None, idempotency_key=None):
    """Correct a balance by a signed amount; a reason is required (it is what auditors read)."""
    amount = _amount(amount)
    if amount == 0:
        raise CreditsError("An adjustment must change the balance: give a non-zero amount.")
    if not isinstance(reason, str) or not reason.strip():
        raise CreditsError("An adjustment needs a reason.")
    return _record(
        user_id=user_id,
        kind=CreditKind.ADJUSTMENT,
        amount=amount,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )


def transfer_credits(
    *, from_user_id, to_user_id, amount, reason="", actor=None, idempotency_key=None
) -> CreditTransaction:
    """Move `amount` credits from one user to another, atomically.

    Returns the sender's `transfer_out` row; its `balance_after` is the sender's new balance and
    its `paired` row (`transfer_in`, `balance_after` the recipient's) is the other side. The
    idempotency key is the sender's.
    """
    sender_id, receiver_id = _user_id(from_user_id), _user_id(to_user_id)
    amount = _positive_amount(amount, "transfer")
    if sender_id == receiver_id:
        raise CreditsError("Credits cannot be transferred to the same user.")
    reason, idempotency_key = _reason(reason), _idempotency_key(idempotency_key)

    with transaction.atomic():
        balances = _lock(sender_id, receiver_id)
        if len(balances) != 2:
            raise CreditsError("Both users must exist.")
        replay = _replay(
            sender_id,
            idempotency_key,
            kind=CreditKind.TRANSFER_OUT,
            amount=-amount,
            reason=reason,
            counterpart=receiver_id,
        )
        if replay is not None:
            return replay
        if balances[sender_id] < amount:
            raise InsufficientCredits(
                f"{balances[sender_id]} credits available, {amount} requested."
            )
        out_id, in_id = uuid.uuid4(), uuid.uuid4()
        common = {"reason": reason, "actor": _actor(actor), "created_at": timezone.now()}
        outgoing = CreditTransaction(
            id=out_id,
            user_id=sender_id,
            kind=CreditKind.TRANSFER_OUT,
            amount=-amount,
            balance_after=balances[sender_id] - amount,
            paired_id=in_id,
            idempotency_key=idempotency_key,
            **common,
        )
        incoming = CreditTransaction(
            id=in_id,
            user_id=receiver_id,
            kind=CreditKind.TRANSFER_IN,
            amount=amount,
            balance_after=balances[receiver_id] + amount,
            paired_id=out_id,
            **common,
        )
        # Each row names the other; the foreign key is checked at commit, so both go in at once.
        CreditTransaction.objects.bulk_create([outgoing, incoming])
        _set_balance(sender_id, outgoing.balance_after)
        _set_balance(receiver_id, incoming.balance_after)
    outgoing.paired = incoming
    return outgoing


def credit_balance(*, user_id) -> Decimal:
    """The user's balance as the ledger sums it (what `users.credits` must equal)."""
    total = CreditTransaction.objects.filter(user_id=user_id).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0.00")


def _record(*, user_id, kind, amount, reason, actor, idempotency_key) -> CreditTransaction:
    user_id = _user_id(user_id)
    reason, idempotency_key = _reason(reason), _idempotency_key(idempotency_key)
    with transaction.atomic():
        balances = _lock(user_id)
        if not balances:
            raise CreditsError("No such user.")
        replay = _replay(user_id, idempotency_key, kind=kind, amount=amount, reason=reason)
        if replay is not None:
            return replay
        balance_after = balances[user_id] + amount
        if balance_after < 0:
            raise InsufficientCredits(
                f"{balances[user_id]} credits available, {-amount} requested."
            )
        if balance_after > MAX_CREDITS:
            raise CreditsError(f"A balance cannot exceed {MAX_CREDITS} credits.")
        row = CreditTransaction.objects.create(
            user_id=user_id,
            kind=kind,
            amount=amount,
            balance_after=balance_after,
            reason=reason,
            actor=_actor(actor),
            idempotency_key=idempotency_key,
        )
        _set_balance(user_id, balance_after)
    return row


def _lock(*user_ids) -> dict:
    """Lock the users' rows in primary-key order; return {id: credits} of those that exist."""
    return dict(
        User.objects.select_for_update()
        .filter(pk__in=user_ids)
        .order_by("pk")
        .values_list("pk", "credits")
    )


def _set_balance(user_id, balance):
    # The one place that writes users.credits (tests/accounts/test_credits_write_paths.py).
    User.objects.filter(pk=user_id).update(credits=balance)


def _replay(user_id, idempotency_key, *, kind, amount, reason, counterpart=None):
    """The row an earlier call with this key stored, or None; IdempotencyKeyReused when that
    call was a different operation. Runs under the user's lock, so a concurrent first call has
    committed (or rolled back) by now."""
    if idempotency_key is None:
        return None
    row = (
        CreditTransaction.objects.select_related("paired")
        .filter(user_id=user_id, idempotency_key=idempotency_key)
        .first()
    )
    if row is None:
        return None
    same = (row.kind, row.amount, row.reason) == (kind, amount, reason) and (
        counterpart is None or row.paired.user_id == counterpart  # type: ignore[union-attr]
    )
    if not same:
        raise IdempotencyKeyReused(
            f"The idempotency key {idempotency_key!r} was already used for a different credits "
            f"operation ({row.get_kind_display().lower()} of {row.amount}) on this user."
        )
    return row


def _user_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise CreditsError("Users are identified by their UUID.") from exc


def _amount(value) -> Decimal:
    if isinstance(value, bool):
        raise CreditsError(f"{value!r} is not an amount of credits.")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise CreditsError(f"{value!r} is not an amount of credits.") from exc
    if not amount.is_finite():
        raise CreditsError(f"{value!r} is not an amount of credits.")
    if abs(amount) > MAX_CREDITS:
        raise CreditsError(f"An amount of credits is at most {MAX_CREDITS}.")
    if amount != amount.quantize(CENT):
        raise CreditsError("Credits have at most two decimal places.")
    return amount.quantize(CENT)


def _positive_amount(value, operation) -> Decimal:
    amount = _amount(value)
    if amount <= 0:
        raise CreditsError(f"The amount to {operation} must be a positive number of credits.")
    return amount


def _reason(value) -> str:
    reason = "" if value is None else str(value).strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise CreditsError(f"A reason has at most {MAX_REASON_LENGTH} characters.")
    if "\x00" in reason:
        raise CreditsError("A reason cannot contain NUL characters.")
    return reason


def _idempotency_key(value) -> str | None:
    if value is None:
        return None
    key = str(value).strip()
    if not key:
        return None
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or not key.isprintable():
        raise CreditsError(
            f"An idempotency key is 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable characters."
        )
    return key


def _actor(actor):
    """The staff user recorded as having made the change, or None for the system."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if not actor.is_staff:
        raise CreditsError("Only staff users are recorded as the actor of a credits change.")
    return actor


class EmailAlreadyRegistered(Exception):
    """A provider's new user claims an email another account already has."""


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
    field = SUBJECT_FIELDS[IdentityProvider(provider)]
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

"""Reconciliation of the credits ledger: every `users.credits` against the sum of the user's
ledger rows and the balance after the user's latest row. The deferred trigger of migration 0004
makes a drift impossible through SQL that respects triggers; this is the audit that proves it
(and finds what a restore, a replica-role session or a disabled trigger could leave)."""

from decimal import Decimal

from django.db import DatabaseError
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import CreditsCheck, CreditTransaction, User


def find_drifts() -> list[dict]:
    """The users whose balance is not what their ledger says, by email."""
    rows = CreditTransaction.objects.filter(user=OuterRef("pk"))
    total = rows.order_by().values("user").annotate(total=Sum("amount")).values("total")
    last = rows.order_by("-created_at", "-id").values("balance_after")[:1]
    money = DecimalField(max_digits=14, decimal_places=2)
    drifted = (
        User.objects.annotate(
            ledger=Coalesce(
                Subquery(total, output_field=money), Value(Decimal("0.00")), output_field=money
            ),
            last_balance_after=Subquery(last),
        )
        .filter(
            ~Q(credits=F("ledger"))
            | (Q(last_balance_after__isnull=False) & ~Q(last_balance_after=F("credits")))
        )
        .order_by("email")
        .values("pk", "email", "credits", "ledger", "last_balance_after")
    )
    return [
        {
            "user_id": str(row["pk"]),
            "email": row["email"],
            "balance": f"{row['credits']:.2f}",
            "ledger": f"{row['ledger']:.2f}",
            "last_balance_after": (
                None if row["last_balance_after"] is None else f"{row['last_balance_after']:.2f}"
            ),
        }
        for row in drifted
    ]


def check_credits() -> CreditsCheck:
    """Compare every balance with its ledger and record the run (the readiness detail shows
    the latest)."""
    return CreditsCheck.objects.create(users_checked=User.objects.count(), drifts=find_drifts())


def last_credits_check() -> dict | None:
    """The latest `check_credits` run, for the readiness detail staff see; None if never run."""
    try:
        check = CreditsCheck.objects.order_by("-checked_at", "-id").first()
    except DatabaseError as error:
        return {"error": str(error)}
    if check is None:
        return None
    return {
        "checked_at": check.checked_at.isoformat(),
        "users_checked": check.users_checked,
        "clean": check.is_clean,
        "drifts": len(check.drifts),
    }

"""Enumerations of the accounts app; CHECK constraints are generated from these."""

from django.db import models


class SubscriptionTier(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"
    PAST_DUE = "past_due", "Past due"
    TRIALING = "trialing", "Trialing"


class IdentityProvider(models.TextChoices):
    """Where a user signs in, for users provisioned from a provider's token."""

    CLERK = "clerk", "Clerk"
    SUPABASE = "supabase", "Supabase"


# The user field holding each provider's subject (the token's `sub`).
SUBJECT_FIELDS = {
    IdentityProvider.CLERK: "clerk_user_id",
    IdentityProvider.SUPABASE: "supabase_user_id",
}


class CreditKind(models.TextChoices):
    """What a credits ledger row records. The sign of its amount follows from the kind
    (CREDITING kinds add, DEBITING kinds take away, an adjustment either)."""

    GRANT = "grant", "Grant"
    PURCHASE = "purchase", "Purchase"
    SPEND = "spend", "Spend"
    REFUND = "refund", "Refund"
    TRANSFER_IN = "transfer_in", "Transfer in"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    ADJUSTMENT = "adjustment", "Adjustment"


CREDITING_KINDS = (CreditKind.GRANT, CreditKind.PURCHASE, CreditKind.REFUND, CreditKind.TRANSFER_IN)
DEBITING_KINDS = (CreditKind.SPEND, CreditKind.TRANSFER_OUT)
TRANSFER_KINDS = (CreditKind.TRANSFER_IN, CreditKind.TRANSFER_OUT)

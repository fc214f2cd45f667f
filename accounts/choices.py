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

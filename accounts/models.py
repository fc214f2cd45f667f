"""The product's user: table `users` of the seed, Django's AUTH_USER_MODEL.

Email is the login. Staff sign in to the admin with a password; users who come through Clerk or
Supabase have no usable password and are identified by `clerk_user_id` / `supabase_user_id`.
"""

import uuid
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from betterbros.json_fields import ValidatedJSONField
from betterbros.json_validation import validate_json_object

from .choices import (
    CREDITING_KINDS,
    DEBITING_KINDS,
    TRANSFER_KINDS,
    CreditKind,
    SubscriptionStatus,
    SubscriptionTier,
)

# numeric(12, 2) holds less than this; the CHECKs name it so that NaN (which PostgreSQL's numeric
# accepts and orders above every number) is refused as well.
MAX_CREDITS = Decimal("9999999999.99")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Logins are case-insensitive on email; Lower() matches the unique index users_email_ci.
        return self.alias(email_lower=Lower("email")).get(email_lower=str(username).lower())


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=255, unique=True)
    username = models.CharField(max_length=150, unique=True, null=True, blank=True)
    full_name = models.CharField(max_length=255, blank=True)
    clerk_user_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    supabase_user_id = models.UUIDField(unique=True, null=True, blank=True)
    subscription_tier = models.CharField(
        max_length=20, choices=SubscriptionTier.choices, default=SubscriptionTier.FREE
    )
    subscription_status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    subscription_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_verified = models.BooleanField(default=False)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the admin.")
    user_metadata = ValidatedJSONField(default=dict, blank=True, validators=[validate_json_object])
    credits = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        db_table = "users"
        ordering = ["email"]
        indexes = [
            models.Index(
                fields=["subscription_tier", "subscription_status"],
                name="users_tier_status_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(subscription_tier__in=SubscriptionTier.values),
                name="users_subscription_tier_valid",
            ),
            models.CheckConstraint(
                condition=Q(subscription_status__in=SubscriptionStatus.values),
                name="users_subscription_status_valid",
            ),
            models.CheckConstraint(condition=Q(credits__gte=0), name="users_credits_non_negative"),
            models.CheckConstraint(condition=~Q(username=""), name="users_username_not_empty"),
            models.CheckConstraint(
                condition=~Q(clerk_user_id=""), name="users_clerk_user_id_not_empty"
            ),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # Blank optional identifiers are stored as NULL so that UNIQUE ignores them.
        self.username = self.username or None
        self.clerk_user_id = self.clerk_user_id or None
        if not self.password:
            self.set_unusable_password()
        if self._state.adding:
            if self.credits:
                raise ValueError(
                    "A new user starts with 0 credits; grant credits through "
                    "accounts.services.grant_credits so that the ledger records them."
                )
        else:
            # The balance is the credits ledger's (accounts.services): saving a user never
            # writes it, so a stale in-memory balance cannot overwrite a concurrent change.
            update_fields = kwargs.get("update_fields")
            if update_fields is None:
                update_fields = self._saved_field_names()
            kwargs["update_fields"] = [name for name in update_fields if name != "credits"]
            if not kwargs["update_fields"]:
                return
        super().save(*args, **kwargs)

    def _saved_field_names(self):
        deferred = self.get_deferred_fields()
        return [
            field.name
            for field in self._meta.concrete_fields
            if not field.primary_key and field.attname not in deferred
        ]

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    @property
    def is_external(self):
        """Signs in through Clerk or Supabase rather than with a password."""
        return bool(self.clerk_user_id or self.supabase_user_id)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.username or self.email


class CreditTransaction(models.Model):
    """One change of a user's credits. Append-only: a trigger refuses UPDATE and DELETE
    (migration 0004), and a deferred trigger keeps `users.credits` equal to the sum of the
    user's rows at every commit. Written only by `accounts.services`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="credit_transactions", db_index=False
    )
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Signed: positive adds credits."
    )
    balance_after = models.DecimalField(max_digits=12, decimal_places=2)
    kind = models.CharField(max_length=20, choices=CreditKind.choices)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_transactions_made",
        help_text="The staff user who made the change; empty for the system.",
    )
    paired = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The other side of a transfer.",
    )
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "credit_transactions"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="credit_tx_user_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="credit_tx_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CreditKind.values), name="credit_tx_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(amount=0) & Q(amount__gte=-MAX_CREDITS, amount__lte=MAX_CREDITS),
                name="credit_tx_amount_nonzero_bounded",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, kind__in=CREDITING_KINDS)
                | Q(amount__lt=0, kind__in=DEBITING_KINDS)
                | Q(kind=CreditKind.ADJUSTMENT),
                name="credit_tx_amount_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0, balance_after__lte=MAX_CREDITS),
                name="credit_tx_balance_after_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CreditKind.ADJUSTMENT) | ~Q(reason=""),
                name="credit_tx_adjustment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TRANSFER_KINDS, paired__isnull=False)
                | (~Q(kind__in=TRANSFER_KINDS) & Q(paired__isnull=True)),
                name="credit_tx_transfer_is_paired",
            ),
            models.CheckConstraint(
                condition=~Q(idempotency_key=""), name="credit_tx_idempotency_key_not_empty"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="credit_tx_idempotency_key_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+} for {self.user_id}"


class CreditsCheck(models.Model):
    """One run of `check_credits`: when, how many users, and the drifts it found."""

    id = models.BigAutoField(primary_key=True)
    checked_at = models.DateTimeField(default=timezone.now)
    users_checked = models.PositiveIntegerField()
    drifts = models.JSONField(
        default=list, help_text="[{user_id, email, balance, ledger}] for each balance that drifted."
    )

    class Meta:
        db_table = "credits_checks"
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self):
        return f"Credits check of {self.checked_at:%Y-%m-%d %H:%M}: {len(self.drifts)} drift(s)"

    @property
    def is_clean(self):
        return not self.drifts

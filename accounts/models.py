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

from props.fields import ValidatedJSONField
from props.validators import validate_json_object

from .choices import SubscriptionStatus, SubscriptionTier


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
        super().save(*args, **kwargs)

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

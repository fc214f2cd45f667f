"""DRF token authentication answered from the cache: no PostgreSQL on a cached read.

The board list is read constantly and, cached, comes from Redis; looking the token up in
PostgreSQL on every request cost a query plus Django's per-request connection health check, most
of a cached read (figures in BENCHMARKS.md). This keeps what authorization needs about the
token's user in the cache for AUTH_TOKEN_CACHE_TTL seconds (pk, is_active, is_staff,
is_superuser, subscription_tier). `request.user` answers those from the cache and reads the
user's row the first time anything else is used, so views that show or save the user
(`users/me/`) work on the current row, never on a cached copy.

Clerk and Supabase users get the same cache, keyed by provider and subject
(`accounts.authentication`; the JWT itself is verified on every request).

Deleting a token, and saving or deleting a user (deactivation, staff or tier changes, a provider
id moved to another account), drop the cached entries at once (signals, connected in every
process by `AccountsConfig.ready`). Changes that bypass signals (`QuerySet.update` of those
fields) show within the TTL. AUTH_TOKEN_CACHE_TTL=0 turns the cache off. With Redis unreachable
every request authenticates against PostgreSQL.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.functional import SimpleLazyObject, empty
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .choices import SUBJECT_FIELDS

CACHED_FIELDS = ("pk", "is_active", "is_staff", "is_superuser", "subscription_tier")


def token_cache_key(key):
    # A digest, so that Redis never holds usable tokens in its key space.
    return f"auth:token:{hashlib.sha256(key.encode()).hexdigest()}"


def subject_cache_key(provider, subject):
    """The cache key of the user a Clerk or Supabase subject stands for."""
    return f"auth:subject:{provider}:{subject}"


def cached_fields(user):
    """What the cache keeps of an authenticated user (CACHED_FIELDS)."""
    return {name: getattr(user, name) for name in CACHED_FIELDS}


class CachedUser(SimpleLazyObject):
    """The authenticated user: the cached fields at once, the database row when needed."""

    def __init__(self, fields):
        pk = fields["pk"]
        super().__init__(lambda: get_user_model()._default_manager.get(pk=pk))
        self.__dict__["_cached_fields"] = {
            **fields,
            "id": pk,
            "is_authenticated": True,
            "is_anonymous": False,
        }

    def __getattr__(self, name):
        fields = self.__dict__["_cached_fields"]
        if self._wrapped is empty and name in fields:
            return fields[name]
        return super().__getattr__(name)

    def __bool__(self):
        return True


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` (DRF's token), with the user's authorization fields cached."""

    def authenticate_credentials(self, key):
        cache_key = token_cache_key(key)
        fields = cache.get(cache_key)
        if fields is not None:
            return CachedUser(fields), Token(key=key, user_id=fields["pk"])
        user, token = super().authenticate_credentials(key)
        cache.set(cache_key, cached_fields(user), timeout=settings.AUTH_TOKEN_CACHE_TTL)
        return user, token


def forget_token(sender, instance, **kwargs):
    cache.delete(token_cache_key(instance.key))


def forget_user_tokens(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not set(update_fields) & set(CACHED_FIELDS):
        return  # e.g. a login's last_login: nothing cached changed
    keys = Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)
    cache.delete_many([token_cache_key(key) for key in keys] + _subject_keys(instance))


def forget_old_subjects(sender, instance, update_fields=None, **kwargs):
    """A provider id moved off an account stops standing for it at once."""
    fields = list(SUBJECT_FIELDS.values())
    if instance.pk is None or (update_fields is not None and not set(update_fields) & {*fields}):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    if stored is not None:
        cache.delete_many(_subject_keys(stored))


def forget_user(sender, instance, **kwargs):
    cache.delete_many(_subject_keys(instance))


def _subject_keys(user):
    def subject(field):
        return user[field] if isinstance(user, dict) else getattr(user, field)

    return [
        subject_cache_key(provider, subject(field))
        for provider, field in SUBJECT_FIELDS.items()
        if subject(field)
    ]


def connect_cache_invalidation():
    """Connect the receivers that drop cached entries (called by `AccountsConfig.ready`)."""
    user_model = settings.AUTH_USER_MODEL
    post_save.connect(forget_token, sender=Token, dispatch_uid="accounts.forget_token")
    post_delete.connect(forget_token, sender=Token, dispatch_uid="accounts.forget_token")
    post_save.connect(
        forget_user_tokens, sender=user_model, dispatch_uid="accounts.forget_user_tokens"
    )
    pre_save.connect(
        forget_old_subjects, sender=user_model, dispatch_uid="accounts.forget_old_subjects"
    )
    post_delete.connect(forget_user, sender=user_model, dispatch_uid="accounts.forget_user")

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def constraint_violated(callable_):
    """Run a write that must fail at the database; return the violated constraint's name."""
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        callable_()
    return info.value.__cause__.diag.constraint_name


def test_seed_example_creates_a_user_without_a_usable_password():
    user = User.objects.create(
        clerk_user_id="user_abc123",
        email="user@example.com",
        subscription_tier="pro",
        subscription_status="active",
    )
    user.refresh_from_db()
    assert (user.subscription_tier, user.subscription_status) == ("pro", "active")
    assert user.is_external
    assert not user.has_usable_password()


def test_staff_log_in_with_email_and_password():
    staff = User.objects.create_superuser("Boss@BetterBros.example", "s3cret-pass-word")
    assert staff.email == "Boss@betterbros.example"
    assert staff.is_staff and staff.is_superuser
    assert staff.check_password("s3cret-pass-word")
    assert User.objects.get_by_natural_key("boss@betterbros.example") == staff


def test_email_is_unique_ignoring_case():
    UserFactory(email="Same@example.com")
    assert constraint_violated(lambda: UserFactory(email="same@example.com")) in {
        "users_email_ci_unique",
        "users_email_key",
    }


def test_blank_usernames_are_stored_as_null_so_many_users_may_have_none():
    first, second = UserFactory(username=""), UserFactory(username="")
    assert first.username is None and second.username is None


def test_set_usernames_are_unique():
    UserFactory(username="sharp")
    assert constraint_violated(lambda: UserFactory(username="sharp")) == "users_username_key"


def test_clerk_and_supabase_ids_are_unique():
    supabase_id = uuid.uuid4()
    UserFactory(clerk_user_id="user_1", supabase_user_id=supabase_id)
    assert constraint_violated(lambda: UserFactory(clerk_user_id="user_1")) == (
        "users_clerk_user_id_key"
    )
    assert constraint_violated(
        lambda: UserFactory(clerk_user_id=None, supabase_user_id=supabase_id)
    ) == ("users_supabase_user_id_key")


@pytest.mark.parametrize(
    ("column", "value", "constraint"),
    [
        ("subscription_tier", "platinum", "users_subscription_tier_valid"),
        ("subscription_status", "paused", "users_subscription_status_valid"),
        ("credits", Decimal("-0.01"), "users_credits_non_negative"),
        ("username", "", "users_username_not_empty"),
        ("clerk_user_id", "", "users_clerk_user_id_not_empty"),
    ],
)
def test_database_rejects_invalid_user_values(column, value, constraint):
    user = UserFactory()
    update = lambda: User.objects.filter(pk=user.pk).update(**{column: value})  # noqa: E731
    assert constraint_violated(update) == constraint


def test_database_rejects_user_metadata_that_is_not_an_object():
    user = UserFactory()

    def write_list():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE users SET user_metadata = '[1, 2]'::jsonb WHERE id = %s", [user.pk]
            )

    assert constraint_violated(write_list) == "users_user_metadata_is_object"

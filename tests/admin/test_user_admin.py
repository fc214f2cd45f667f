"""Users in the admin: external-auth users have no password to fill, staff do; credits move
between users through the transfer service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CreditTransaction, User
from accounts.services import grant_credits
from tests.factories import UserFactory

from .conftest import changelist_url, messages_of

pytestmark = pytest.mark.django_db


def add_user(client, **data):
    return client.post(reverse("admin:accounts_user_add"), {"usable_password": "true", **data})


def test_an_external_user_is_added_without_a_password(staff_client):
    response = add_user(staff_client, email="clerk@example.com", clerk_user_id="user_abc")
    assert response.status_code == 302
    user = User.objects.get(email="clerk@example.com")
    assert not user.has_usable_password()


def test_an_external_user_given_a_password_is_refused(staff_client):
    response = add_user(
        staff_client,
        email="clerk@example.com",
        clerk_user_id="user_abc",
        password1="a-long-enough-password-1",
        password2="a-long-enough-password-1",
    )
    assert "have no password here" in response.content.decode()
    assert not User.objects.filter(email="clerk@example.com").exists()


def test_staff_are_added_with_a_validated_password(staff_client):
    weak = add_user(staff_client, email="new-staff@example.com", password1="123", password2="123")
    assert "This password is too short." in weak.content.decode()
    add_user(
        staff_client,
        email="new-staff@example.com",
        password1="a-long-enough-password-1",
        password2="a-long-enough-password-1",
    )
    assert User.objects.get(email="new-staff@example.com").check_password(
        "a-long-enough-password-1"
    )


def test_an_external_users_page_has_no_password_field(staff_client):
    user = UserFactory(clerk_user_id="user_ext")
    page = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert "Raw passwords are not stored" not in page.content.decode()


def test_a_staff_users_page_shows_the_password_field(staff_client, staff_user):
    page = staff_client.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))
    assert "Raw passwords are not stored" in page.content.decode()


def user_form(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "clerk_user_id": user.clerk_user_id or "",
        "subscription_tier": user.subscription_tier,
        "subscription_status": user.subscription_status,
        "credits": str(user.credits),
        "user_metadata": "{}",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_saving_a_user_keeps_a_concurrent_balance(staff_client):
    user = UserFactory(credits=Decimal("10.00"))
    grant_credits(user_id=user.pk, amount=15)  # a grant meanwhile
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = staff_client.post(url, user_form(user, subscription_tier="pro"), HTTP_REFERER=url)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.subscription_tier, user.credits) == ("pro", Decimal("25.00"))


def test_the_balance_is_read_only_on_the_user_page(staff_client):
    user = UserFactory(credits=Decimal("10.00"))
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = staff_client.post(url, user_form(user, credits="12.50"), HTTP_REFERER=url)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.credits == Decimal("10.00")


def test_user_metadata_must_be_a_json_object(staff_client):
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = staff_client.post(url, user_form(user, user_metadata="[]"))
    assert "Must be a JSON object." in response.content.decode()


def test_credits_are_transferred_between_users(staff_client):
    sender = UserFactory(credits=Decimal("50.00"))
    recipient = UserFactory(credits=Decimal("5.00"))
    url = reverse("admin:accounts_user_transfer_credits", args=[sender.pk])
    response = staff_client.post(url, {"recipient": recipient.email.upper(), "amount": "20"})
    assert response.status_code == 302
    assert f"Moved 20.00 credits from {sender.email} (now 30.00)" in messages_of(response)[0]
    recipient.refresh_from_db()
    assert recipient.credits == Decimal("25.00")


def test_a_transfer_beyond_the_balance_is_refused(staff_client):
    sender = UserFactory(credits=Decimal("5.00"))
    recipient = UserFactory()
    url = reverse("admin:accounts_user_transfer_credits", args=[sender.pk])
    response = staff_client.post(url, {"recipient": recipient.email, "amount": "20"})
    assert "5.00 credits available, 20.00 requested." in response.content.decode()
    sender.refresh_from_db()
    assert sender.credits == Decimal("5.00")


def test_an_adjustment_is_recorded_with_the_staff_user_as_actor(staff_client, staff_user):
    user = UserFactory(credits=Decimal("10.00"))
    url = reverse("admin:accounts_user_adjust_credits", args=[user.pk])
    response = staff_client.post(url, {"amount": "-4", "reason": "duplicate grant"})
    assert response.status_code == 302
    assert messages_of(response) == [f"Adjusted the credits of {user.email} by -4.00 (now 6.00)."]
    row = CreditTransaction.objects.get(user=user, kind="adjustment")
    assert (row.kind, row.amount, row.actor, row.reason) == (
        "adjustment",
        Decimal("-4.00"),
        staff_user,
        "duplicate grant",
    )


def test_an_adjustment_below_zero_is_refused_on_the_form(staff_client):
    user = UserFactory(credits=Decimal("3.00"))
    url = reverse("admin:accounts_user_adjust_credits", args=[user.pk])
    response = staff_client.post(url, {"amount": "-4", "reason": "too much"})
    assert response.status_code == 200
    assert "3.00 credits available, 4.00 requested." in response.content.decode()
    assert not CreditTransaction.objects.filter(user=user, kind="adjustment").exists()


def test_the_credits_form_keeps_its_idempotency_key_hidden(staff_client):
    user = UserFactory()
    page = staff_client.get(reverse("admin:accounts_user_adjust_credits", args=[user.pk]))
    html = page.content.decode()
    assert '<input type="hidden" name="idempotency_key"' in html
    assert 'for="id_idempotency_key"' not in html  # no label or row of its own
    assert 'for="id_amount"' in html


def test_users_are_found_by_clerk_or_supabase_id(staff_client):
    clerk = UserFactory(clerk_user_id="user_findme")
    supabase = UserFactory(
        clerk_user_id=None, supabase_user_id="6f1c1d3e-8d6a-4f39-9c7b-1d2e3f4a5b6c"
    )
    for term, expected in [("user_findme", clerk), (str(supabase.supabase_user_id), supabase)]:
        response = staff_client.get(changelist_url("user", app="accounts") + f"?q={term}")
        assert list(response.context["cl"].result_list) == [expected]


def test_users_are_filtered_by_tier_status_and_sign_in(staff_client):
    pro = UserFactory(subscription_tier="pro", subscription_status="trialing")
    UserFactory(subscription_tier="free")
    query = "?subscription_tier__exact=pro&subscription_status__exact=trialing&auth=clerk"
    response = staff_client.get(changelist_url("user", app="accounts") + query)
    assert list(response.context["cl"].result_list) == [pro]

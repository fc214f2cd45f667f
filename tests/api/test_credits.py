"""`users/me/credits/` (own balance and ledger) and staff's `POST users/{id}/credits/` with
`Idempotency-Key`: a retry answers what the first request answered, a reused key with another
body is a 409."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import CreditTransaction, User
from accounts.services import grant_credits, spend_credits
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MY_CREDITS = "/api/v1/users/me/credits/"


def credits_url(user):
    return f"/api/v1/users/{user.pk}/credits/"


def test_me_credits_shows_the_balance_and_the_ledger_newest_first(client_for, user):
    grant_credits(user_id=user.pk, amount="30", reason="welcome")
    spend_credits(user_id=user.pk, amount="12.50", reason="a report")

    body = client_for(user).get(MY_CREDITS).json()

    assert body["balance"] == "17.50"
    assert body["count"] == 2
    assert [(row["kind"], row["amount"], row["balance_after"]) for row in body["results"]] == [
        ("spend", "-12.50", "17.50"),
        ("grant", "30.00", "30.00"),
    ]


def test_me_credits_is_paginated_and_shows_only_the_users_own_rows(client_for, user, other_user):
    for _ in range(3):
        grant_credits(user_id=user.pk, amount=1)
    grant_credits(user_id=other_user.pk, amount=5)

    body = client_for(user).get(MY_CREDITS, {"page_size": 2}).json()

    assert (body["count"], len(body["results"]), body["balance"]) == (3, 2, "3.00")
    assert body["next"] is not None
    assert {row["user"] for row in body["results"]} == {str(user.pk)}


def test_me_credits_names_the_other_side_of_a_transfer(client_for, user, other_user):
    from accounts.services import transfer_credits

    grant_credits(user_id=other_user.pk, amount=10)
    transfer_credits(from_user_id=other_user.pk, to_user_id=user.pk, amount=4)

    row = client_for(user).get(MY_CREDITS).json()["results"][0]

    assert (row["kind"], row["counterparty"]) == ("transfer_in", other_user.email)


def test_staff_grant_is_recorded_with_the_staff_user_as_actor(client_for, staff_user, user):
    response = client_for(staff_user).post(
        credits_url(user), {"amount": "25.00", "kind": "grant", "reason": "promo"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["amount"], body["balance_after"], body["actor"]) == (
        "grant",
        "25.00",
        "25.00",
        staff_user.email,
    )
    user.refresh_from_db()
    assert user.credits == Decimal("25.00")


def test_a_retry_with_the_same_key_answers_the_first_answer_and_grants_once(
    client_for, staff_user, user
):
    client = client_for(staff_user)
    body = {"amount": "25.00", "kind": "grant", "reason": "promo"}

    first = client.post(credits_url(user), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = client.post(credits_url(user), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    user.refresh_from_db()
    assert user.credits == Decimal("25.00")
    assert CreditTransaction.objects.filter(user=user).count() == 1


def test_reusing_a_key_with_a_different_body_is_a_409_and_changes_nothing(
    client_for, staff_user, user
):
    client = client_for(staff_user)
    client.post(
        credits_url(user),
        {"amount": "25.00", "kind": "grant"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    response = client.post(
        credits_url(user),
        {"amount": "26.00", "kind": "grant"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert response.status_code == 409
    assert "already used" in response.json()["detail"]
    user.refresh_from_db()
    assert user.credits == Decimal("25.00")


def test_the_same_key_on_another_user_is_another_operation(client_for, staff_user, user):
    other = UserFactory()
    client = client_for(staff_user)
    body = {"amount": "5.00", "kind": "grant"}
    for target in (user, other):
        response = client.post(credits_url(target), body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 201
    assert User.objects.filter(pk__in=[user.pk, other.pk], credits=5).count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"amount": "-5.00", "kind": "adjustment"}, "reason"),
        ({"amount": "-5.00", "kind": "grant"}, "amount"),
        ({"amount": "0", "kind": "refund"}, "amount"),
        ({"amount": "1.001", "kind": "grant"}, "amount"),
        ({"amount": "NaN", "kind": "grant"}, "amount"),
        ({"amount": "1e20", "kind": "grant"}, "amount"),
        ({"amount": "5", "kind": "spend"}, "kind"),
        ({"amount": "5", "kind": "grant", "balance_after": "5"}, "balance_after"),
        ({"amount": "-5.00", "kind": "adjustment", "reason": "more than there is"}, "amount"),
    ],
)
def test_invalid_changes_are_400_with_the_field_and_change_nothing(
    client_for, staff_user, user, body, field
):
    response = client_for(staff_user).post(credits_url(user), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not CreditTransaction.objects.filter(user=user).exists()


def test_an_overlong_idempotency_key_is_a_400(client_for, staff_user, user):
    response = client_for(staff_user).post(
        credits_url(user),
        {"amount": "5", "kind": "grant"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k" * 256,
    )
    assert response.status_code == 400
    assert "idempotency key" in response.json()["non_field_errors"][0]


def test_only_staff_change_credits(client_for, user):
    response = client_for(user).post(
        credits_url(user), {"amount": "1000", "kind": "grant"}, format="json"
    )
    assert response.status_code == 403
    assert not CreditTransaction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_grant_once_and_answer_alike():
    staff = UserFactory(is_staff=True, clerk_user_id=None)
    user = UserFactory()
    answers, lock, start = [], threading.Lock(), threading.Barrier(6)

    def retry():
        client = APIClient()
        client.force_authenticate(user=staff)
        start.wait()
        try:
            response = client.post(
                credits_url(user),
                {"amount": "40.00", "kind": "grant", "reason": "flaky network"},
                format="json",
                HTTP_IDEMPOTENCY_KEY="same-key",
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [201] * 6
    assert len({body["id"] for _, body in answers}) == 1
    user.refresh_from_db()
    assert user.credits == Decimal("40.00")
    assert CreditTransaction.objects.filter(user=user).count() == 1

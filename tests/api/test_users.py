"""`users/me/`: own profile, a few editable fields. `users/`: staff only."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import SubscriptionTier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"
USERS = "/api/v1/users/"


def test_me_shows_own_profile_tier_and_credits(client_for):
    user = UserFactory(subscription_tier=SubscriptionTier.PRO, credits=Decimal("12.50"))

    body = client_for(user).get(ME).json()

    assert body["id"] == str(user.pk)
    assert body["subscription_tier"] == "pro"
    assert body["credits"] == "12.50"
    assert "password" not in body


def test_me_patch_changes_the_editable_fields(client_for, user):
    response = client_for(user).patch(
        ME,
        {"full_name": "Pat Mahomes", "username": "pm15", "user_metadata": {"theme": "dark"}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    user.refresh_from_db()
    assert (user.full_name, user.username, user.user_metadata) == (
        "Pat Mahomes",
        "pm15",
        {"theme": "dark"},
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("subscription_tier", "enterprise"),
        ("credits", "1000000.00"),
        ("is_staff", True),
        ("email", "someone.else@example.com"),
        ("clerk_user_id", "user_hijack"),
    ],
)
def test_me_patch_of_a_protected_field_is_400_and_changes_nothing(client_for, user, field, value):
    before = client_for(user).get(ME).json()

    response = client_for(user).patch(ME, {field: value, "full_name": "X"}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: ["This field is read-only."]}
    assert client_for(user).get(ME).json() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"nickname": "typo"}, "nickname"),
        ({"user_metadata": ["a", "list"]}, "user_metadata"),
        ({"user_metadata": {"note": "nul\x00byte"}}, "user_metadata"),
        ({"full_name": "nul\x00byte"}, "full_name"),
        ({"full_name": "x" * 256}, "full_name"),
        ({"username": "u" * 151}, "username"),
    ],
)
def test_me_patch_with_bad_input_is_400_with_the_field(client_for, user, body, field):
    response = client_for(user).patch(ME, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_me_patch_with_a_taken_username_is_400(client_for, user):
    UserFactory(username="taken")

    response = client_for(user).patch(ME, {"username": "taken"}, format="json")

    assert response.status_code == 400
    assert "username" in response.json()


def test_me_patch_with_malformed_json_is_400(client_for, user):
    response = client_for(user).patch(ME, '{"full_name": ', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_me_is_401_for_anonymous(api_client):
    assert api_client.get(ME).status_code == 401


def test_users_list_is_for_staff_only(client_for, user, staff_user, api_client):
    assert client_for(user).get(USERS).status_code == 403
    assert client_for(user).get(f"{USERS}{user.pk}/").status_code == 403
    assert api_client.get(USERS).status_code == 401

    response = client_for(staff_user).get(USERS)

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {str(user.pk), str(staff_user.pk)}


def test_staff_filters_users_by_tier_and_email(client_for, staff_user):
    pro = UserFactory(subscription_tier=SubscriptionTier.PRO, email="pro.fan@example.com")
    UserFactory(subscription_tier=SubscriptionTier.FREE)
    client = client_for(staff_user)

    by_tier = client.get(USERS, {"subscription_tier": "pro"}).json()["results"]
    by_email = client.get(USERS, {"email": "PRO.FAN"}).json()["results"]

    assert [row["id"] for row in by_tier] == [str(pro.pk)]
    assert [row["id"] for row in by_email] == [str(pro.pk)]
    assert client.get(USERS, {"subscription_tier": "platinum"}).status_code == 400


@pytest.mark.parametrize("page_size", [1, 25])
def test_users_list_runs_the_same_queries_whatever_the_page_size(client_for, staff_user, page_size):
    UserFactory.create_batch(30)
    client = client_for(staff_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(USERS, {"page_size": page_size})

    assert len(response.json()["results"]) == page_size
    assert len(queries) == 2  # COUNT and the page

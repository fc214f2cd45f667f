"""Token authentication from the cache: cached reads skip PostgreSQL, revocations apply at once."""

import socket
from decimal import Decimal

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import SubscriptionTier
from accounts.services import transfer_credits
from accounts.token_authentication import token_cache_key
from tests.factories import PropMarketFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARD = "/api/v1/prop-markets/?league=NFL&week=5&is_active=true"
ME = "/api/v1/users/me/"


@pytest.fixture
def token():
    return Token.objects.create(user=UserFactory(subscription_tier=SubscriptionTier.PRO))


@pytest.fixture
def client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    return set_rates


def test_a_cached_board_read_costs_no_database_query(client, django_assert_num_queries):
    PropMarketFactory.create_batch(3)
    assert client.get(BOARD).status_code == 200

    with django_assert_num_queries(0):
        response = client.get(BOARD)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_a_deleted_token_is_refused_at_once(client, token):
    assert client.get(ME).status_code == 200

    token.delete()

    assert client.get(ME).status_code == 401


def test_a_deactivated_user_is_refused_at_once(client, token):
    assert client.get(ME).status_code == 200

    token.user.is_active = False
    token.user.save()

    assert client.get(ME).status_code == 401


def test_a_tier_change_applies_to_the_next_request(client, token, rates):
    rates(anon="100/min", free="1/min", pro="1/min", enterprise="100/min")
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 429

    token.user.subscription_tier = SubscriptionTier.ENTERPRISE
    token.user.save()

    assert client.get(ME).status_code == 200


def test_the_profile_shows_and_saves_the_current_row_not_the_cached_one(client, token):
    user = token.user
    donor = UserFactory(credits=Decimal("50.00"))
    assert client.get(ME).status_code == 200
    transfer_credits(from_user_id=donor.pk, to_user_id=user.pk, amount="20")  # QuerySet.update

    assert client.get(ME).json()["credits"] == "20.00"
    response = client.patch(ME, {"full_name": "New Name"}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.full_name, user.credits) == ("New Name", Decimal("20.00"))


def test_redis_holds_no_usable_token(client, token):
    assert client.get(ME).status_code == 200

    keys = [key.decode() for key in get_redis_connection("default").keys("*")]

    assert cache.get(token_cache_key(token.key)) is not None
    assert not [key for key in keys if token.key in key]


def test_requests_authenticate_from_postgresql_when_redis_is_unreachable(client, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port}/0"}
    }

    assert [client.get(ME).status_code for _ in range(2)] == [200, 200]


def test_an_unknown_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert client.get(ME).status_code == 401

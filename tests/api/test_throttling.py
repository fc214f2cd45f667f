"""Request rates per subscription tier (THROTTLE_RATE_*), counted per user in Redis."""

import socket

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection

from accounts.choices import SubscriptionTier
from betterbros.api.throttling import TierRateThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    return set_rates


def statuses(client, url, times):
    return [client.get(url).status_code for _ in range(times)]


def test_settings_give_a_rate_to_every_tier_and_to_anonymous_clients(settings):
    configured = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert set(configured) == {*SubscriptionTier.values, "anon"}
    assert configured["free"] == settings.THROTTLE_RATE_FREE


def test_free_user_beyond_the_rate_is_429_with_retry_after(client_for, rates):
    rates(anon="100/min", free="2/min", pro="100/min", enterprise="100/min")
    client = client_for(UserFactory(subscription_tier=SubscriptionTier.FREE))

    assert statuses(client, ME, 2) == [200, 200]
    response = client.get(ME)

    assert response.status_code == 429
    assert "throttled" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0


def test_each_tier_gets_its_own_rate(client_for, rates):
    rates(anon="1/min", free="1/min", pro="3/min", enterprise="5/min")
    free = client_for(UserFactory(subscription_tier=SubscriptionTier.FREE))
    pro = client_for(UserFactory(subscription_tier=SubscriptionTier.PRO))
    enterprise = client_for(UserFactory(subscription_tier=SubscriptionTier.ENTERPRISE))

    assert statuses(free, ME, 2) == [200, 429]
    assert statuses(pro, ME, 4) == [200, 200, 200, 429]
    assert statuses(enterprise, ME, 6) == [200] * 5 + [429]


def test_requests_are_counted_per_user(client_for, rates):
    rates(anon="100/min", free="1/min", pro="100/min", enterprise="100/min")
    first, second = client_for(UserFactory()), client_for(UserFactory())

    assert statuses(first, ME, 2) == [200, 429]
    assert statuses(second, ME, 1) == [200]


def test_anonymous_clients_get_the_anonymous_rate(api_client, rates):
    rates(anon="2/min", free="100/min", pro="100/min", enterprise="100/min")

    assert statuses(api_client, "/api/v1/schema/", 3) == [200, 200, 429]


def test_requests_pass_when_redis_is_unreachable(client_for, rates, settings):
    """The counts live in Redis; without it throttling degrades open instead of failing."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    rates(anon="1/min", free="1/min", pro="1/min", enterprise="1/min")
    client = client_for(UserFactory())

    assert statuses(client, ME, 3) == [200, 200, 200]


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttle's clock, set by the test (seconds); it stands still 10 s into a window, so
    that no test's requests straddle two windows."""
    now = [60 * 20_000 + 10.0]
    monkeypatch.setattr(TierRateThrottle, "timer", lambda self: now[0])
    return now


def test_the_count_starts_again_in_the_next_window(client_for, rates, clock):
    rates(anon="100/min", free="2/min", pro="100/min", enterprise="100/min")
    client = client_for(UserFactory(subscription_tier=SubscriptionTier.FREE))
    clock[0] = start = 60 * 20_000 + 10  # 10 s into a window (windows start on whole minutes)

    assert statuses(client, ME, 1) == [200]
    clock[0] = start + 30
    assert statuses(client, ME, 1) == [200]
    clock[0] = start + 45
    refused = client.get(ME)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 5  # the window ends at start + 50
    clock[0] = start + 50
    assert statuses(client, ME, 3) == [200, 200, 429]


def test_counts_are_one_counter_per_user_and_window_in_redis(client_for, rates, clock):
    rates(anon="100/min", free="3/min", pro="100/min", enterprise="100/min")
    user = UserFactory(subscription_tier=SubscriptionTier.FREE)
    clock[0] = 60 * 20_000 + 10

    assert statuses(client_for(user), ME, 5) == [200, 200, 200, 429, 429]
    key = cache.make_key(f"throttle_count_free_{user.pk}_20000")
    redis = get_redis_connection("default")
    assert redis.get(key) == b"5"
    assert 0 < redis.ttl(key) <= 60

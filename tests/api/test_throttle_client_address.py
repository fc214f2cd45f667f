"""The anonymous rate counts per client address, and that address comes from the proxy setting
(NUM_PROXIES): a client cannot get a fresh allowance by sending a new X-Forwarded-For."""

import pytest

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"


@pytest.fixture
def anon_rate(settings):
    def set_rate(rate, **extra):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "anon": rate,
            },
            **extra,
        }

    return set_rate


def statuses_with_forwarded_for(api_client, addresses, **extra):
    return [
        api_client.get(SCHEMA, HTTP_X_FORWARDED_FOR=address, **extra).status_code
        for address in addresses
    ]


def test_the_default_is_no_proxy_so_the_socket_address_is_the_client(settings):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_a_changing_forwarded_for_does_not_reset_the_anonymous_rate(api_client, anon_rate):
    anon_rate("2/min")

    forged = [f"203.0.113.{n}" for n in range(1, 5)]

    assert statuses_with_forwarded_for(api_client, forged) == [200, 200, 429, 429]


def test_behind_one_proxy_the_address_the_proxy_saw_is_the_client(api_client, anon_rate):
    """With NUM_PROXIES=1 the last X-Forwarded-For entry (added by our proxy) is the client; what
    the client itself put in front of it is ignored."""
    anon_rate("2/min", NUM_PROXIES=1)

    same_client = [f"10.9.9.{n}, 198.51.100.7" for n in range(1, 4)]
    other_client = ["10.9.9.1, 198.51.100.8"]

    assert statuses_with_forwarded_for(api_client, same_client) == [200, 200, 429]
    assert statuses_with_forwarded_for(api_client, other_client) == [200]

import threading

import pytest
import redis
from django.core.cache import cache
from django.db import transaction
from django_redis import get_redis_connection
from rest_framework.authtoken.models import Token

from props.cache import boards_version, invalidate_boards
from props.services import update_market
from tests.factories import PropMarketFactory, UserFactory
from tests.ops.servers import RedisServer, free_port


@pytest.mark.services
def test_cache_round_trips_through_redis():
    cache.set("round-trip", {"line": 275.5}, timeout=60)
    assert cache.get("round-trip") == {"line": 275.5}
    redis = get_redis_connection("default")
    assert redis.exists(cache.make_key("round-trip")) == 1
    assert 0 < redis.ttl(cache.make_key("round-trip")) <= 60


@pytest.mark.django_db(transaction=True)
def test_board_versions_are_stable_until_invalidated():
    nfl5 = boards_version("NFL", 5)
    everything = boards_version()
    assert boards_version("NFL", 5) == nfl5

    invalidate_boards([("NBA", 12)])

    assert boards_version("NFL", 5) != nfl5  # the global part changed
    assert boards_version() != everything


@pytest.mark.django_db(transaction=True)
def test_invalidation_waits_for_the_commit():
    before = boards_version("NFL", 5)
    with transaction.atomic():
        invalidate_boards([("NFL", 5)])
        assert boards_version("NFL", 5) == before
    assert boards_version("NFL", 5) != before


@pytest.fixture
def paused_redis(settings):
    """The cache on a redis-server of the test's own (never the shared one), so that the test
    can pause it with CLIENT PAUSE."""
    server = RedisServer(free_port(6390))
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    server.kill()


def board_lines(client, headers):
    response = client.get("/api/v1/prop-markets/?league=NFL&week=5", **headers)
    assert response.status_code == 200, response.content
    return [market["line"] for market in response.json()["results"]]


def write_during_a_pause(server, market):
    # Every client waits out the pause, so the write's bump times out (socket timeout 0.5 s).
    server.client().client_pause(2500, "ALL")
    update_market(market=market, line=300.5)
    # A client with a longer timeout waits for the pause to end: Redis is back, unchanged.
    redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10).ping()


@pytest.mark.django_db(transaction=True)
def test_a_write_whose_invalidation_missed_redis_leaves_no_stale_board(client, paused_redis):
    market = PropMarketFactory(league="NFL", week=5, line=275.5)
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=UserFactory()).key}"}
    assert board_lines(client, headers) == [275.5]  # now cached
    assert paused_redis.client().dbsize() > 0

    write_during_a_pause(paused_redis, market)

    assert board_lines(client, headers) == [300.5]
    assert board_lines(client, headers) == [300.5]


@pytest.mark.django_db(transaction=True)
def test_a_missed_version_bump_reaches_redis_by_itself_when_it_is_back(paused_redis):
    market = PropMarketFactory(league="NFL", week=5, line=275.5)
    before = boards_version("NFL", 5)

    write_during_a_pause(paused_redis, market)

    # No read of this process lands it (boards_version does not retry): the background retry
    # does, as it would for every other process reading the same Redis.
    for _ in range(200):
        if boards_version("NFL", 5) != before:
            break
        threading.Event().wait(0.05)
    assert boards_version("NFL", 5) != before

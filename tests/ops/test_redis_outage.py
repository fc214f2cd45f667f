"""Redis gone mid-run: the API keeps answering from PostgreSQL, signed-in staff stay signed in
(sessions are backed by the database), /health/ready/ says redis is unhealthy, the outage is
logged once, and caching resumes by itself when Redis is back. A real redis-server of the
test's own is killed and restarted on the same port."""

import logging
import time

import pytest
from rest_framework.authtoken.models import Token

from betterbros import redis_outage
from tests.factories import PropMarketFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARD = "/api/v1/prop-markets/?league=NFL&week=5"


@pytest.fixture
def redis(settings, own_redis, monkeypatch):
    """The cache pointed at the test's own Redis, with a fresh outage record."""
    monkeypatch.setattr(redis_outage, "outage", redis_outage.RedisOutage())
    monkeypatch.setattr(redis_outage, "PROBE_SECONDS", 0.05)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    return own_redis


@pytest.fixture
def token_headers():
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=UserFactory()).key}"}


def market_ids(response):
    assert response.status_code == 200, response.content
    return {market["id"] for market in response.json()["results"]}


def outage_records(caplog, level):
    return [
        record
        for record in caplog.records
        if record.name == "betterbros.redis_outage" and record.levelno == level
    ]


def test_api_serves_from_postgresql_while_redis_is_down_and_caches_again_after(
    client, redis, token_headers
):
    markets = {str(market.id) for market in PropMarketFactory.create_batch(3)}
    assert market_ids(client.get(BOARD, **token_headers)) == markets
    assert redis.client().dbsize() > 0

    redis.kill()
    for _ in range(3):
        assert market_ids(client.get(BOARD, **token_headers)) == markets

    redis.start()
    assert redis.client().dbsize() == 0
    assert market_ids(client.get(BOARD, **token_headers)) == markets
    assert redis.client().dbsize() > 0


def test_signed_in_staff_stay_signed_in_while_redis_is_down(client, redis):
    client.force_login(StaffUserFactory())
    assert client.get("/admin/").status_code == 200
    redis.kill()
    assert client.get("/admin/").status_code == 200


def test_ready_says_redis_is_unhealthy_until_it_returns(client, redis):
    assert client.get("/health/ready/").status_code == 200
    redis.kill()
    down = client.get("/health/ready/")
    assert down.status_code == 503
    assert down.json()["checks"]["redis"]["healthy"] is False
    assert down.json()["checks"]["database"]["healthy"] is True
    redis.start()
    assert client.get("/health/ready/").status_code == 200


def test_an_outage_is_logged_once_and_its_end_once(client, redis, token_headers, caplog):
    PropMarketFactory.create_batch(2)
    caplog.set_level(logging.INFO, logger="betterbros.redis_outage")
    client.get(BOARD, **token_headers)
    assert outage_records(caplog, logging.ERROR) == []

    redis.kill()
    for _ in range(5):
        client.get(BOARD, **token_headers)
    client.get("/health/ready/")
    [error] = outage_records(caplog, logging.ERROR)
    assert f"127.0.0.1:{redis.port}" in error.getMessage()
    assert "Further errors are not logged" in error.getMessage()
    assert outage_records(caplog, logging.WARNING) == []

    redis.start()
    [recovered] = wait_for(lambda: outage_records(caplog, logging.WARNING))
    assert "reachable again" in recovered.getMessage()
    assert not redis_outage.outage.is_down
    for _ in range(3):
        client.get(BOARD, **token_headers)
    assert len(outage_records(caplog, logging.ERROR)) == 1
    assert len(outage_records(caplog, logging.WARNING)) == 1


def test_a_second_outage_is_logged_again(client, redis, token_headers, caplog):
    caplog.set_level(logging.INFO, logger="betterbros.redis_outage")
    for _ in range(2):
        redis.kill()
        client.get(BOARD, **token_headers)
        redis.start()
        wait_for(lambda: not redis_outage.outage.is_down)
    assert len(outage_records(caplog, logging.ERROR)) == 2
    assert len(outage_records(caplog, logging.WARNING)) == 2


def test_other_records_of_the_logger_pass_unchanged(caplog):
    caplog.set_level(logging.INFO, logger="betterbros.redis_outage")
    logging.getLogger("betterbros.redis_outage").info("a note")
    assert [record.getMessage() for record in caplog.records] == ["a note"]


def wait_for(condition, seconds=10):
    """The condition's value once truthy (the recovery is noticed by a background probe)."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value

"""Cached prop-market reads: served from Redis without queries, never stale after a write (through
the API, a service call or a lock), ETag and 304.

These tests commit (transaction=True): the board versions are bumped when a write commits."""

import pytest
from django.core.cache import cache

from props.models import PropMarket
from props.services import lock_snapshot, unlock_snapshot, update_market
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("board_fast_path")]
LIST = "/api/v1/prop-markets/?league=NFL&week=5"
COMPARE = "/api/v1/prop-markets/compare/?league=NFL&week=5"


def lines(client, url=LIST):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["line"] for row in response.json()["results"]]


def test_a_repeated_read_is_served_from_the_cache_without_queries(
    user_client, django_assert_num_queries
):
    PropMarketFactory(line=275.5)
    first = user_client.get(LIST)

    with django_assert_num_queries(0):
        second = user_client.get(LIST)

    assert second.content == first.content


def test_the_cached_copy_lives_in_redis(user_client):
    PropMarketFactory()
    user_client.get(LIST)

    assert any(key.startswith("props:api:list:") for key in cache.keys("props:api:*"))


def test_read_after_an_api_write_shows_the_new_line(user_client, staff_client):
    market = PropMarketFactory(line=275.5)
    assert lines(user_client) == [275.5]

    response = staff_client.patch(f"/api/v1/prop-markets/{market.pk}/", {"line": 280.5})

    assert response.status_code == 200
    assert lines(user_client) == [280.5]


def test_read_after_an_api_create_and_delete(user_client, staff_client):
    market = PropMarketFactory(line=275.5, player_name="A")
    assert lines(user_client) == [275.5]

    staff_client.post(
        "/api/v1/prop-markets/",
        {
            "league": "NFL",
            "week": 5,
            "player_name": "B",
            "market_type": "x",
            "line": 1.5,
            "platform": "underdog",
        },
        format="json",
    )
    assert lines(user_client) == [275.5, 1.5]

    staff_client.delete(f"/api/v1/prop-markets/{market.pk}/")
    assert lines(user_client) == [1.5]


def test_read_after_a_service_write_shows_the_new_line(user_client):
    market = PropMarketFactory(line=275.5)
    assert lines(user_client) == [275.5]

    update_market(market=market, line=260.5)

    assert lines(user_client) == [260.5]


def test_read_after_a_service_write_to_another_week_moves_the_market(user_client):
    market = PropMarketFactory(line=275.5)
    assert lines(user_client) == [275.5]

    update_market(market=market, week=6)

    assert lines(user_client) == []
    assert lines(user_client, "/api/v1/prop-markets/?league=NFL&week=6") == [275.5]


def test_compare_is_fresh_after_a_write(user_client):
    PropMarketFactory(player_name="Josh Allen", platform="prizepicks", line=250.5)
    moving = PropMarketFactory(player_name="Josh Allen", platform="underdog", line=251.5)
    assert user_client.get(COMPARE).json()["results"][0]["spread"] == 1.0

    update_market(market=moving, line=255.5)

    assert user_client.get(COMPARE).json()["results"][0]["spread"] == 5.0


def test_a_lock_invalidates_the_cached_board(user_client, staff_client, django_assert_num_queries):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, line=275.5)
    url = f"{LIST}&snapshot=nfl-week-5-final"
    assert lines(user_client, url) == [275.5]

    # A change that bypasses the services (and the cache) followed by the lock: the lock's
    # invalidation makes the next read come from PostgreSQL.
    PropMarket.objects.filter(pk=market.pk).update(line=270.5)
    assert staff_client.post("/api/v1/snapshots/nfl-week-5-final/lock/").status_code == 200

    with django_assert_num_queries(1):
        assert lines(user_client, url) == [270.5]


def test_read_after_unlock_edit_and_relock_shows_the_new_line(user_client):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, line=275.5)
    snapshot = lock_snapshot(snapshot=snapshot)
    url = f"{LIST}&snapshot=nfl-week-5-final"
    assert lines(user_client, url) == [275.5]

    unlock_snapshot(snapshot=snapshot)
    update_market(market=market, line=290.5)
    lock_snapshot(snapshot=snapshot)

    assert lines(user_client, url) == [290.5]


def test_list_sends_an_etag_and_answers_304_to_a_match(user_client):
    PropMarketFactory()
    first = user_client.get(LIST)
    etag = first["ETag"]

    again = user_client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    weak = user_client.get(LIST, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    other = user_client.get(LIST, HTTP_IF_NONE_MATCH='"something-else"')

    assert etag.startswith('"') and etag.endswith('"')
    assert first["Cache-Control"] == "private, no-cache"
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert weak.status_code == 304
    assert other.status_code == 200


def test_etag_changes_when_the_board_changes(user_client):
    market = PropMarketFactory(line=275.5)
    etag = user_client.get(LIST)["ETag"]

    update_market(market=market, line=280.5)
    response = user_client.get(LIST, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_etag_is_the_same_when_the_cache_is_empty(user_client):
    PropMarketFactory()
    etag = user_client.get(LIST)["ETag"]
    cache.clear()

    assert user_client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_compare_sends_an_etag(user_client):
    etag = user_client.get(COMPARE)["ETag"]

    assert user_client.get(COMPARE, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_invalid_queries_are_not_cached(user_client):
    assert user_client.get("/api/v1/prop-markets/?league=XFL").status_code == 400

    assert not cache.keys("props:api:*")


def test_with_redis_unreachable_reads_come_from_postgresql(user_client, settings):
    market = PropMarketFactory(line=275.5)
    unreachable = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": unreachable}
    cache.set("probe", 1)
    assert cache.get("probe") is None  # the outage is real: nothing is stored

    first = user_client.get(LIST)
    update_market(market=market, line=280.5)
    second = user_client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert [row["line"] for row in first.json()["results"]] == [275.5]
    assert second.status_code == 200
    assert [row["line"] for row in second.json()["results"]] == [280.5]
    assert user_client.get(LIST, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_a_differently_written_week_is_fresh_after_a_write(user_client):
    market = PropMarketFactory(line=275.5)
    url = "/api/v1/prop-markets/?league=NFL&week=05"
    assert lines(user_client, url) == [275.5]

    update_market(market=market, line=280.5)

    assert lines(user_client, url) == [280.5]

import pytest
from django.core.cache import cache
from django.db import transaction
from django_redis import get_redis_connection

from props.cache import boards_version, invalidate_boards


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

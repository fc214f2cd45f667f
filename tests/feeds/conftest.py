"""Feed-poll fixtures: the local feed server with faults, fast poll settings, real workers."""

import pytest

from tests.celery_worker import celery_broker, celery_workers  # noqa: F401

from .feed_server import SHARED_DATA, FeedServer

# What the workers and the in-process polls use: short timeouts and backoff, a 1 MB body limit.
FAST_FEEDS = {
    "FEEDS_CONNECT_TIMEOUT": "1",
    "FEEDS_READ_TIMEOUT": "0.5",
    "FEEDS_MAX_RETRIES": "2",
    "FEEDS_RETRY_BACKOFF": "0.05",
    "FEEDS_RETRY_BACKOFF_MAX": "0.2",
    "FEEDS_MAX_BODY_BYTES": "1000000",
    "FEEDS_MAX_CONSECUTIVE_FAILURES": "3",
    # The feed server is on 127.0.0.1 (tests/feeds/test_private_addresses.py turns this off).
    "FEEDS_ALLOW_PRIVATE_ADDRESSES": "true",
}

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")


@pytest.fixture
def feed_server():
    server = FeedServer.start()
    server.slow_seconds = 1.5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _feeds_on_this_machine(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def fast_feeds(settings):
    for name, value in FAST_FEEDS.items():
        if value == "true":
            setattr(settings, name, True)
        else:
            setattr(settings, name, float(value) if "." in value else int(value))
    return settings

"""Feed polls through a real Redis broker to real worker processes (tests/celery_worker.py)."""

import pytest

from props.models import ImportRun, PropMarket
from props.tasks.feeds import poll_due_sources, poll_source
from tests.factories import FeedSourceFactory

from .conftest import FAST_FEEDS
from .feed_server import NBA_FEED

NBA_MARKETS = 647


@pytest.fixture
def nba_source(feed_server, transactional_db):
    return FeedSourceFactory(name="pp-nba", url=feed_server.route("/nba.json", NBA_FEED))


def _finished_runs():
    return list(ImportRun.objects.exclude(status__in=["queued", "running"]))


def test_beat_task_queues_due_sources_and_a_worker_imports_them(celery_workers, nba_source):
    celery_workers.start("w1", env=FAST_FEEDS)

    poll_due_sources.delay()

    [run] = celery_workers.wait_for(_finished_runs)
    assert run.status == "succeeded" and run.created == NBA_MARKETS, run.error
    assert run.task_id and run.source == nba_source
    assert PropMarket.objects.count() == NBA_MARKETS


def test_two_workers_given_the_same_poll_import_the_source_once(
    celery_workers, nba_source, feed_server
):
    feed_server.slow_seconds = 0.3  # hold the first poll a moment (below the read timeout)
    feed_server.fail("/nba.json", "500")
    celery_workers.start("w1", "w2", env=FAST_FEEDS)

    for _ in range(4):  # the same claimed poll delivered to both workers, twice each
        poll_source.delay(nba_source.pk, None)

    celery_workers.wait_for(_finished_runs)
    celery_workers.wait_for(
        lambda: "succeeded" in celery_workers.log("w1") + celery_workers.log("w2")
    )
    for node in ("w1", "w2"):
        celery_workers.stop(node)
    [run] = ImportRun.objects.all()
    assert run.status == "succeeded" and run.attempts == 2  # one 500, retried after a backoff
    assert PropMarket.objects.count() == NBA_MARKETS
    assert [what for what, _ in feed_server.requests("/nba.json")] == ["500", "ok"]


def test_a_fault_through_the_worker_is_recorded_and_changes_nothing(
    celery_workers, nba_source, feed_server
):
    feed_server.fail("/nba.json", "500", "500", "500")
    celery_workers.start("w1", env=FAST_FEEDS)

    poll_source.delay(nba_source.pk)

    [run] = celery_workers.wait_for(_finished_runs)
    assert run.status == "failed" and "HTTP 500" in run.error and run.attempts == 3
    assert not PropMarket.objects.exists()
    nba_source.refresh_from_db()
    assert nba_source.consecutive_failures == 1


def test_a_worker_killed_mid_poll_leaves_the_board_as_it_was_and_its_run_is_failed_next_time(
    celery_workers, nba_source, feed_server
):
    feed_server.slow_seconds = 5
    feed_server.fail("/nba.json", "timeout")  # the first request hangs; the worker dies in it
    patient = {**FAST_FEEDS, "FEEDS_READ_TIMEOUT": "30"}
    celery_workers.start("doomed", env=patient)
    poll_source.delay(nba_source.pk)
    celery_workers.wait_for(lambda: feed_server.requests("/nba.json"))

    celery_workers.kill("doomed")

    [abandoned] = ImportRun.objects.all()
    assert abandoned.status == "running" and not PropMarket.objects.exists()
    celery_workers.start("next", env=patient)
    poll_source.delay(nba_source.pk)
    celery_workers.wait_for(lambda: ImportRun.objects.filter(status="succeeded").exists())
    abandoned.refresh_from_db()
    assert abandoned.status == "failed" and "worker killed or lost" in abandoned.error
    assert PropMarket.objects.count() == NBA_MARKETS

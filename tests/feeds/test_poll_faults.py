"""A feed poll against the local feed server, each fault's outcome asserted: the run recorded, the
board unchanged, the retries made (the server's request log), the source's failure streak."""

import pytest

from props.feeds.polling import claim_due_sources, poll_source
from props.models import FeedSource, ImportRun, PropMarket
from tests.factories import FeedSourceFactory

from .feed_server import NBA_FEED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_feeds")]
NBA_MARKETS = 647


@pytest.fixture
def nba_source(feed_server):
    return FeedSourceFactory(name="pp-nba", url=feed_server.route("/nba.json", NBA_FEED))


def test_a_poll_imports_the_feed_and_records_a_succeeded_run(nba_source):
    run = poll_source(nba_source.pk)

    assert run.status == "succeeded", run.error
    assert (run.created, run.rejected, run.http_status, run.attempts) == (NBA_MARKETS, 0, 200, 1)
    assert run.source == nba_source and run.origin == "feed" and run.platforms == ",prizepicks,"
    assert run.finished_at >= run.started_at and run.rows_per_second > 0
    assert PropMarket.objects.filter(platform="prizepicks").count() == NBA_MARKETS
    nba_source.refresh_from_db()
    assert nba_source.etag and nba_source.last_polled_at and nba_source.consecutive_failures == 0


def test_an_unchanged_feed_answers_304_and_the_run_is_not_modified(nba_source, feed_server):
    poll_source(nba_source.pk)
    before = PropMarket.history.count()

    run = poll_source(nba_source.pk)

    assert run.status == "not_modified" and run.http_status == 304
    assert (run.created, run.updated, run.unchanged) == (0, 0, 0)
    assert run.platforms == ",prizepicks,"  # the board is confirmed current
    assert PropMarket.history.count() == before
    etag = nba_source.__class__.objects.get().etag
    assert feed_server.requests("/nba.json") == [("ok", None), ("ok", etag)]


def test_5xx_is_retried_with_backoff_then_the_poll_succeeds(nba_source, feed_server):
    feed_server.fail("/nba.json", "500", "500")

    run = poll_source(nba_source.pk)

    assert run.status == "succeeded" and run.attempts == 3
    assert [what for what, _ in feed_server.requests("/nba.json")] == ["500", "500", "ok"]


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        (("500", "500", "500"), "HTTP 500"),
        (("timeout", "timeout", "timeout"), "Timed out after 3 attempts"),
        (("truncated",), "cut off"),
        (("wrong",), "not valid JSON"),
        (("big",), "over the limit of 1,000,000 bytes"),
    ],
    ids=["500", "timeout", "truncated", "wrong-content", "over-the-limit"],
)
def test_a_failed_poll_is_recorded_and_changes_nothing(nba_source, feed_server, faults, error):
    feed_server.fail("/nba.json", *faults)

    run = poll_source(nba_source.pk)

    assert run.status == "failed" and error in run.error, run.error
    assert run.finished_at is not None
    assert not PropMarket.objects.exists()
    assert len(feed_server.requests("/nba.json")) == len(faults)
    nba_source.refresh_from_db()
    assert nba_source.consecutive_failures == 1 and not nba_source.etag


def test_a_source_failing_n_times_in_a_row_is_flagged_and_no_longer_due(nba_source, feed_server):
    feed_server.fail("/nba.json", *["wrong"] * 3)
    for _ in range(3):
        poll_source(nba_source.pk)

    nba_source.refresh_from_db()
    assert nba_source.is_flagged and nba_source.consecutive_failures == 3
    assert claim_due_sources() == []
    assert ImportRun.objects.filter(source=nba_source, status="failed").count() == 3


def test_a_success_ends_the_failure_streak(nba_source, feed_server):
    feed_server.fail("/nba.json", "wrong")
    poll_source(nba_source.pk)
    poll_source(nba_source.pk)

    nba_source.refresh_from_db()
    assert nba_source.consecutive_failures == 0 and not nba_source.is_flagged


def test_header_secrets_come_from_the_environment(nba_source, feed_server, monkeypatch):
    nba_source.headers = {"X-Api-Key": "H2_TEST_FEED_KEY"}
    nba_source.save()

    missing = poll_source(nba_source.pk)
    monkeypatch.setenv("H2_TEST_FEED_KEY", "s3cret")
    found = poll_source(nba_source.pk)

    assert missing.status == "failed" and "H2_TEST_FEED_KEY is not set" in missing.error
    assert found.status == "succeeded"
    assert "s3cret" not in str(FeedSource.objects.values().get())


def test_beat_claims_a_due_source_once_per_interval(nba_source):
    first = claim_due_sources()
    second = claim_due_sources()

    assert first == [(nba_source.pk, None)] and second == []


def test_a_poll_queued_before_another_poll_finished_does_nothing(nba_source):
    token = claim_due_sources()[0][1]
    poll_source(nba_source.pk, expected_last_polled=token)

    assert poll_source(nba_source.pk, expected_last_polled=token) is None
    assert ImportRun.objects.count() == 1


def test_a_poll_stopped_by_a_time_limit_ends_its_run_failed(nba_source, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def over_time(source):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("props.feeds.polling.fetch", over_time)

    with pytest.raises(SoftTimeLimitExceeded):
        poll_source(nba_source.pk)

    run = ImportRun.objects.get()
    assert run.status == "failed" and "SoftTimeLimitExceeded" in run.error
    assert not PropMarket.objects.exists()

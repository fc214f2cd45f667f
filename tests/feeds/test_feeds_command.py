"""`manage.py feeds list|add|enable|disable|poll` against the local feed server."""

import io

import pytest
from django.core.management import CommandError, call_command

from props.models import FeedSource, ImportRun, PropMarket

from .feed_server import NBA_FEED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_feeds")]


def feeds(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("feeds", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_add_then_poll_imports_the_source_and_prints_its_counts(feed_server):
    url = feed_server.route("/nba.json", NBA_FEED)
    feeds("add", "pp-nba", url, "--format", "prizepicks", "--every", "60",
          "--header", "X-Api-Key=PP_KEY", "--deactivate-missing")  # fmt: skip

    source = FeedSource.objects.get()
    assert (source.interval_seconds, source.headers) == (60, {"X-Api-Key": "PP_KEY"})
    assert source.deactivate_missing

    with pytest.raises(CommandError, match="1 poll"):  # PP_KEY is not set
        feeds("poll", "pp-nba")
    feeds("disable", "pp-nba")
    source.headers = {}
    source.save()
    feeds("enable", "pp-nba")
    output = feeds("poll")

    assert "pp-nba: succeeded — 647 created" in output
    assert PropMarket.objects.count() == 647
    assert "succeeded" in feeds("list")


def test_poll_exits_non_zero_on_a_failure_and_records_it(feed_server):
    url = feed_server.route("/nba.json", NBA_FEED)
    feeds("add", "pp-nba", url, "--format", "prizepicks")
    feed_server.fail("/nba.json", "wrong")

    with pytest.raises(CommandError):
        feeds("poll", "pp-nba")

    assert ImportRun.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "x", "not a url", "--format", "prizepicks"), "url"),
        (("add", "x", "http://h/f", "--format", "prizepicks", "--every", "1"), "interval"),
        (("add", "x", "http://h/f", "--format", "csv", "--header", "Key=not-a-var"), "headers"),
        (("add", "x", "http://h/f", "--format", "csv", "--header", "nothing"), "NAME=ENV_VAR"),
        (("enable", "nope"), "No feed source"),
    ],
)
def test_bad_input_is_a_clear_error_that_changes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        feeds(*args)

    assert not FeedSource.objects.exists()


def test_secrets_are_never_stored():
    with pytest.raises(CommandError, match="headers"):
        feeds("add", "x", "http://h/f", "--format", "csv", "--header", "Key=sk_live_abc-123")

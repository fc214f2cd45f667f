"""Every import records an ImportRun (the command, direct calls, failures; dry runs do not), and
what is read back from the runs: the staff API, the admin pages, each platform's freshness."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from props.feeds.models import FeedFormat, FeedSource
from props.import_runs import board_freshness
from props.importers import FORMATS, ImportFailed, run_import
from props.models import ImportRun, PropMarket
from tests.factories import FeedSourceFactory, ImportRunFactory, StaffUserFactory

from .feed_server import BOOKS_CSV, NBA_FEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api():
    client = APIClient()
    client.force_authenticate(StaffUserFactory())
    return client


def test_feed_formats_are_the_import_formats():
    assert set(FeedFormat.values) == set(FORMATS)


def test_the_import_props_command_records_a_succeeded_run_with_its_counts():
    call_command("import_props", str(NBA_FEED), stdout=io.StringIO())

    run = ImportRun.objects.get()
    assert (run.status, run.origin, run.source_name) == ("succeeded", "command", NBA_FEED.name)
    assert (run.created, run.updated, run.rejected, run.skipped) == (647, 0, 0, 0)
    assert run.platforms == ",prizepicks," and run.format == "prizepicks"
    assert run.seconds > 0 and run.rows_per_second > 0 and run.error == ""


def test_a_failed_import_is_recorded_failed_with_its_error_and_writes_nothing():
    with pytest.raises(CommandError):
        call_command("import_props", str(BOOKS_CSV), stdout=io.StringIO())  # needs --league …

    run = ImportRun.objects.get()
    assert run.status == "failed" and "--league" in run.error and run.finished_at
    assert not PropMarket.objects.exists()


def test_a_dry_run_is_not_an_import_and_records_nothing():
    run_import(str(NBA_FEED), dry_run=True)

    assert not ImportRun.objects.exists()


def test_a_queued_run_is_the_one_recorded(staff_user):
    queued = ImportRun.objects.create(source_name="board.json", origin="admin", user=staff_user)

    report = run_import(str(NBA_FEED), run=queued, user=staff_user)

    queued.refresh_from_db()
    assert report.run == queued and queued.status == "succeeded" and queued.created == 647
    assert ImportRun.objects.count() == 1 and queued.user == staff_user


def test_a_bad_file_given_as_a_file_object_is_recorded_by_its_name():
    upload = io.BytesIO(b"<html></html>")
    upload.name = "page.html"
    with pytest.raises(ImportFailed):
        run_import(upload, format="prizepicks")

    assert ImportRun.objects.get().source_name == "page.html"


def test_board_freshness_gives_each_platform_its_last_success_and_flags_stale_boards():
    now = timezone.now()
    FeedSourceFactory(platform="prizepicks", interval_seconds=300)
    FeedSourceFactory(platform="underdog", interval_seconds=300)
    ImportRunFactory(platforms=",prizepicks,", finished_at=now - datetime.timedelta(minutes=2))
    ImportRunFactory(platforms=",underdog,", finished_at=now - datetime.timedelta(minutes=20))
    ImportRunFactory(platforms=",draftkings,fanduel,", finished_at=now)
    ImportRunFactory(platforms=",prizepicks,", status="failed", finished_at=now)

    rows = {row.platform: row for row in board_freshness(now)}

    assert not rows["prizepicks"].stale and rows["underdog"].stale
    assert rows["draftkings"].interval is None and not rows["draftkings"].stale
    assert rows["prizepicks"].last_success == now - datetime.timedelta(minutes=2)
    assert set(rows) == {"prizepicks", "underdog", "draftkings", "fanduel"}


def test_staff_list_import_runs_filtered_by_status_source_and_platform(staff_api):
    source = FeedSourceFactory(name="pp")
    ImportRunFactory(source=source, origin="feed", platforms=",prizepicks,")
    ImportRunFactory(status="failed", platforms=",underdog,", error="HTTP 500")
    client = staff_api

    everything = client.get("/api/v1/import-runs/").json()
    failed = client.get("/api/v1/import-runs/?status=failed").json()
    by_source = client.get("/api/v1/import-runs/?source=pp").json()
    by_platform = client.get("/api/v1/import-runs/?platform=underdog").json()
    bad = client.get("/api/v1/import-runs/?status=exploded")

    assert everything["count"] == 2
    assert [run["error"] for run in failed["results"]] == ["HTTP 500"]
    assert [run["source"] for run in by_source["results"]] == ["pp"]
    assert by_platform["results"][0]["platforms"] == ["underdog"]
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_admin_lists_runs_with_filters_and_shows_one_read_only(admin_client):
    run = ImportRunFactory(status="failed", error="HTTP 500 after 3 attempts.")
    FeedSourceFactory(name="pp-nba")

    listing = admin_client.get("/admin/props/importrun/?status__exact=failed&platform=prizepicks")
    detail = admin_client.get(f"/admin/props/importrun/{run.pk}/change/")
    sources = admin_client.get("/admin/props/feedsource/")

    assert listing.status_code == 200 and run.source_name in listing.content.decode()
    assert detail.status_code == 200 and "HTTP 500 after 3 attempts." in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert sources.status_code == 200 and "pp-nba" in sources.content.decode()


def test_readiness_names_flagged_sources_to_staff(staff_api):
    FeedSourceFactory(name="broken", flagged_at=timezone.now(), consecutive_failures=5)
    FeedSourceFactory(name="fine")

    body = staff_api.get("/health/ready/").json()

    assert [source["name"] for source in body["feed_sources"]["flagged"]] == ["broken"]


def test_the_admin_says_what_a_feed_name_may_be_and_refuses_spaces(admin_client):
    form = admin_client.get("/admin/props/feedsource/add/").content.decode()
    assert "letters, numbers, hyphens or underscores (e.g. prizepicks-nba)" in form

    response = admin_client.post(
        "/admin/props/feedsource/add/",
        {
            "name": "PrizePicks NBA",
            "url": "http://127.0.0.1:8765/nba.json",
            "format": "prizepicks",
            "interval_seconds": 60,
            "enabled": "on",
            "headers": "{}",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "consisting of letters, numbers, underscores or hyphens" in response.content.decode()
    assert not FeedSource.objects.exists()

"""Background jobs as staff see them: the click queues the job, its progress page reloads
itself until the job ends, then shows the outcome (and, for an export, the file to download)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from props.jobs import runner
from props.jobs.models import BackgroundJob, JobKind, JobStatus
from props.models import PropMarket, Snapshot
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.jobs.eager import run_tasks_eagerly

from .conftest import shot

MARKETS = reverse("admin:props_propmarket_changelist")
JOB_PAGE = re.compile(r"/admin/props/backgroundjob/[0-9a-f-]{36}/change/$")


@pytest.fixture
def eager_jobs(settings, tmp_path, monkeypatch):
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    run_tasks_eagerly(monkeypatch)


def test_the_progress_page_reloads_itself_until_the_job_is_done(
    staff_page, staff, tmp_path, settings
):
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    PropMarketFactory.create_batch(3, league="NFL", week=6)
    job = BackgroundJob.objects.create(
        kind=JobKind.CAPTURE,
        description="Capture of the live NFL week 6 board into nfl-week-6-final",
        parameters={"slug": "nfl-week-6-final", "league": "NFL", "week": 6, "season": None},
        progress_total=3,
        created_by=staff,
    )
    page = staff_page
    page.goto(reverse("admin:props_backgroundjob_change", args=[job.pk]))
    expect(page.locator("#job-status")).to_have_text("Queued")
    expect(page.locator("#job-waiting")).to_contain_text("Waiting for a worker")
    shot(page, "job-queued")

    runner.run(job.pk)  # what a worker does with the queued task

    # No click: the page's own reload shows the outcome.
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=10_000)
    expect(page.locator("#job-summary")).to_have_text(
        "Captured 3 markets of the live NFL week 6 board into nfl-week-6-final."
    )
    shot(page, "job-succeeded")
    page.click("#job-result-link")
    expect(page.locator("#id_snapshot_id")).to_have_value("nfl-week-6-final")


@pytest.mark.usefixtures("eager_jobs")
def test_capture_from_the_admin_shows_the_job_and_its_outcome(staff_page):
    PropMarketFactory.create_batch(4, league="NFL", week=6)
    page = staff_page
    page.goto(reverse("admin:props_snapshot_capture"))
    page.fill("#id_snapshot_id", "nfl-week-6-final")
    page.select_option("#id_league", "NFL")
    page.fill("#id_week", "6")
    page.click("input[type=submit][value=Capture]")
    page.wait_for_url(JOB_PAGE)
    expect(page.locator("#job-summary")).to_have_text(
        "Captured 4 markets of the live NFL week 6 board into nfl-week-6-final."
    )
    expect(page.locator("#job-progress-text")).to_contain_text("4 of 4")
    assert PropMarket.objects.filter(snapshot__snapshot_id="nfl-week-6-final").count() == 4


@pytest.mark.usefixtures("eager_jobs")
def test_an_export_of_more_than_a_page_is_downloaded_from_its_job(staff_page, tmp_path):
    PropMarketFactory.create_batch(30, league="NFL", week=5)
    page = staff_page
    page.goto(MARKETS + "?n=25")
    page.click("a.export-link")
    page.wait_for_url(JOB_PAGE)
    expect(page.locator("#job-summary")).to_have_text("Exported 30 prop markets.")
    shot(page, "export-job")
    with page.expect_download() as downloaded:
        page.click("#job-download")
    path = tmp_path / "export.csv"
    downloaded.value.save_as(path)
    assert downloaded.value.suggested_filename.startswith("prop-markets-")
    assert len(path.read_text().splitlines()) == 31


@pytest.mark.usefixtures("eager_jobs")
def test_deleting_a_large_snapshot_runs_as_a_job(staff_page, settings):
    settings.JOB_DELETE_SNAPSHOT_THRESHOLD = 2
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-big")
    PropMarketFactory.create_batch(3, snapshot=snapshot)
    page = staff_page
    page.goto(reverse("admin:props_snapshot_delete", args=[snapshot.pk]))
    page.click("input[type=submit]")
    page.wait_for_url(JOB_PAGE)
    expect(page.locator("#job-summary")).to_have_text("Deleted nfl-week-5-big and 3 prop markets.")
    assert not Snapshot.objects.exists()
    assert BackgroundJob.objects.get().status == JobStatus.SUCCEEDED

"""Capturing a board, and deleting snapshots holding more than JOB_DELETE_SNAPSHOT_THRESHOLD
markets, are jobs. Each writes in one transaction together with its "succeeded": a job that
fails at any point leaves the database as it was and is marked failed."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.urls import reverse

from props.jobs import runner
from props.jobs.models import BackgroundJob, JobKind, JobStatus
from props.models import PropMarket, Snapshot
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("run_jobs_eagerly")]

CAPTURE = reverse("admin:props_snapshot_capture")


def capture(client, **fields):
    return client.post(
        CAPTURE, {"snapshot_id": "nfl-week-6-final", "league": "NFL", "week": 6, **fields}
    )


def test_capture_is_a_job_whose_page_says_what_was_captured(staff_client, staff_user):
    PropMarketFactory.create_batch(3, league="NFL", week=6)
    PropMarketFactory(league="NFL", week=7)

    response = capture(staff_client, lock="on")

    job = BackgroundJob.objects.get()
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    assert (job.kind, job.status, job.progress_done, job.progress_total) == (
        JobKind.CAPTURE,
        JobStatus.SUCCEEDED,
        3,
        3,
    )
    page = staff_client.get(response.url).content.decode()
    assert (
        "Captured 3 markets of the live NFL week 6 board into nfl-week-6-final and locked it."
        in page
    )
    snapshot = Snapshot.objects.get(snapshot_id="nfl-week-6-final")
    assert reverse("admin:props_snapshot_change", args=[snapshot.pk]) in page
    assert snapshot.is_locked and snapshot.locked_by == staff_user
    assert PropMarket.objects.filter(snapshot=snapshot).count() == 3


def test_a_capture_failing_after_the_copy_leaves_nothing_and_is_marked_failed(staff_client):
    PropMarketFactory.create_batch(3, league="NFL", week=6)
    # A real fault at the last write of the job's transaction: recording "succeeded".
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE background_jobs ADD CONSTRAINT test_refuse_success "
            "CHECK (status <> 'succeeded')"
        )

    capture(staff_client)

    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "test_refuse_success" in job.error and job.error.endswith("Nothing was written.")
    assert not Snapshot.objects.exists()
    assert PropMarket.objects.count() == 3
    assert PropMarket.history.filter(snapshot_id__isnull=False).count() == 0


def test_a_slug_taken_before_the_job_runs_fails_the_job_and_captures_nothing(staff_user):
    PropMarketFactory.create_batch(2, league="NFL", week=6)
    SnapshotFactory(snapshot_id="taken")
    job = BackgroundJob.objects.create(
        kind=JobKind.CAPTURE,
        description="Capture",
        parameters={"slug": "taken", "league": "NFL", "week": 6, "season": None, "lock": False},
        created_by=staff_user,
    )
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert (
        job.error == "A snapshot with the slug taken was created meanwhile; nothing was captured."
    )
    assert PropMarket.objects.filter(snapshot__isnull=False).count() == 0


def test_a_capture_delivered_again_after_it_finished_captures_nothing_more(staff_client):
    PropMarketFactory.create_batch(2, league="NFL", week=6)
    capture(staff_client)
    job = BackgroundJob.objects.get()
    assert runner.run(job.pk) is None
    assert PropMarket.objects.filter(snapshot__isnull=False).count() == 2


@pytest.fixture
def large(settings):
    settings.JOB_DELETE_SNAPSHOT_THRESHOLD = 2
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-big")
    PropMarketFactory.create_batch(3, snapshot=snapshot)
    return snapshot


def test_deleting_a_large_snapshot_is_a_job_that_deletes_it_with_its_markets(staff_client, large):
    PropMarketFactory(league="NFL", week=5)  # the live board stays
    url = reverse("admin:props_snapshot_delete", args=[large.pk])

    response = staff_client.post(url, {"post": "yes"})

    job = BackgroundJob.objects.get()
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    assert (job.kind, job.status, job.result["markets"]) == (
        JobKind.DELETE_SNAPSHOTS,
        JobStatus.SUCCEEDED,
        3,
    )
    page = staff_client.get(response.url).content.decode()
    assert "Deleted nfl-week-5-big and 3 prop markets." in page
    assert not Snapshot.objects.exists()
    assert PropMarket.objects.count() == 1


def test_deleting_selected_snapshots_holding_many_markets_is_one_job(staff_client, large):
    small = SnapshotFactory(snapshot_id="small")
    response = staff_client.post(
        reverse("admin:props_snapshot_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [large.pk, small.pk], "post": "yes"},
    )
    job = BackgroundJob.objects.get()
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert not Snapshot.objects.exists() and not PropMarket.objects.exists()


def test_a_small_snapshot_is_still_deleted_at_once(staff_client, settings):
    settings.JOB_DELETE_SNAPSHOT_THRESHOLD = 2
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    staff_client.post(reverse("admin:props_snapshot_delete", args=[snapshot.pk]), {"post": "yes"})
    assert not BackgroundJob.objects.exists()
    assert not Snapshot.objects.exists()


def test_a_snapshot_locked_before_its_delete_job_runs_is_kept_whole(staff_user, large):
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_SNAPSHOTS,
        description="Delete",
        parameters={"snapshots": [str(large.pk)]},
        created_by=staff_user,
    )
    lock_snapshot(snapshot=large, user=staff_user)

    runner.run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.endswith("Nothing was deleted.")
    assert PropMarket.objects.filter(snapshot=large).count() == 3

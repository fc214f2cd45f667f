"""Confirming an admin import queues a job: the worker runs `run_import` on the upload, the
progress page shows the counts; a job runs once however often its task is delivered."""

import io
import re

import pytest
from django.urls import reverse

from props.feeds.models import RunOrigin
from props.jobs import runner
from props.jobs.files import UPLOAD, job_file
from props.jobs.models import BackgroundJob, JobKind, JobStatus
from props.models import ImportRun, PropMarket
from props.services import lock_snapshot
from tests.factories import SnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir", "run_jobs_eagerly")]

BOARD = (
    "platform,external_id,league,week,player_name,market_type,line,odds\n"
    "prizepicks,pp-1,NFL,5,Josh Allen,passing_yards,265.5,-110\n"
    "prizepicks,pp-2,NFL,5,James Cook,rushing_yards,70.5,\n"
)


def preview(client, text=BOARD, **options):
    handle = io.BytesIO(text.encode())
    handle.name = "board.csv"
    page = client.post(reverse("admin:props_propmarket_import"), {"file": handle, **options})
    return re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)


def confirm(client, token):
    return client.post(reverse("admin:props_propmarket_import_confirm"), {"token": token})


def test_confirming_queues_an_import_job_whose_page_shows_the_counts(staff_client, staff_user):
    response = confirm(staff_client, preview(staff_client))

    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    assert (job.kind, job.status, job.created_by) == (
        JobKind.IMPORT,
        JobStatus.SUCCEEDED,
        staff_user,
    )
    assert (job.result["created"], job.result["updated"], job.result["rejected"]) == (2, 0, 0)
    page = staff_client.get(response.url).content.decode()
    assert "Imported board.csv: 2 created" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloads
    market = PropMarket.objects.get(external_id="pp-1")
    assert market.history.get().history_user == staff_user
    assert not job_file(job, UPLOAD).exists()  # the upload is removed once imported


def test_a_file_too_large_to_preview_in_the_page_goes_to_the_confirmation_unread(
    staff_client, settings, django_assert_max_num_queries
):
    settings.ADMIN_IMPORT_PREVIEW_MAX_MB = 100 / (1024 * 1024)  # 100 bytes
    handle = io.BytesIO(BOARD.encode())
    handle.name = "board.csv"
    with django_assert_max_num_queries(8):  # session and user: no market is read
        page = staff_client.post(reverse("admin:props_propmarket_import"), {"file": handle})
    text = page.content.decode()
    assert 'id="no-preview"' in text
    assert "larger than the preview's limit" in text
    assert not PropMarket.objects.exists()

    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    confirm(staff_client, token)
    assert BackgroundJob.objects.get().status == JobStatus.SUCCEEDED
    assert PropMarket.objects.count() == 2


def test_a_refused_row_of_an_unpreviewed_file_writes_nothing_and_is_listed(staff_client, settings):
    settings.ADMIN_IMPORT_PREVIEW_MAX_MB = 100 / (1024 * 1024)
    bad = BOARD + "prizepicks,pp-3,NFL,5,Bad Odds,passing_yards,265.5,1.0\n"
    handle = io.BytesIO(bad.encode())
    handle.name = "board.csv"
    page = staff_client.post(reverse("admin:props_propmarket_import"), {"file": handle})
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    response = confirm(staff_client, token)

    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert not PropMarket.objects.exists()
    progress = staff_client.get(response.url).content.decode()
    (rejection,) = re.findall(r'<ul id="job-rejections"><li>(.*?)</li>', progress)
    assert "odds" in rejection
    assert "4" in rejection.split(":")[0]  # the file's row, as the preview would name it


def test_the_import_job_links_the_import_run_it_recorded_as_an_admin_upload(
    staff_client, staff_user
):
    confirm(staff_client, preview(staff_client))
    job = BackgroundJob.objects.get()

    run = ImportRun.objects.get()
    assert (run.origin, run.user, run.status) == (RunOrigin.ADMIN, staff_user, "succeeded")
    assert job.result["import_run"] == str(run.pk)
    page = staff_client.get(reverse("admin:props_backgroundjob_change", args=[job.pk]))
    assert reverse("admin:props_importrun_change", args=[run.pk]) in page.content.decode()


def test_a_snapshot_locked_before_the_job_runs_fails_the_job_and_imports_nothing(
    staff_client, staff_user
):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-working")
    token = preview(staff_client, snapshot=str(snapshot.pk))
    lock_snapshot(snapshot=snapshot, user=staff_user)

    response = confirm(staff_client, token)

    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "is locked" in job.error and job.error.endswith("Nothing was imported.")
    assert "is locked" in staff_client.get(response.url).content.decode()
    assert not PropMarket.objects.exists()


def test_a_job_delivered_again_after_it_finished_does_nothing(staff_client):
    confirm(staff_client, preview(staff_client))
    job = BackgroundJob.objects.get()
    PropMarket.objects.all().delete()

    assert runner.run(job.pk) is None

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    assert not PropMarket.objects.exists()


def test_a_job_whose_worker_died_mid_import_is_run_again_and_imports_once(staff_user, job_files):
    job = queued_import(staff_user, status=JobStatus.RUNNING, attempts=1)

    runner.run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["created"]) == (JobStatus.SUCCEEDED, 2, 2)
    assert PropMarket.objects.count() == 2


def test_a_job_delivered_more_than_the_allowed_times_fails_and_writes_nothing(
    staff_user, job_files, settings
):
    settings.JOB_MAX_ATTEMPTS = 3
    job = queued_import(staff_user, status=JobStatus.RUNNING, attempts=3)

    runner.run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Stopped: the worker ended 3 times while running this job.")
    assert not PropMarket.objects.exists()
    assert not job_file(job, UPLOAD).exists()


def test_an_import_of_the_same_file_run_twice_changes_nothing_the_second_time(staff_user):
    first = queued_import(staff_user)
    runner.run(first.pk)
    second = queued_import(staff_user)
    runner.run(second.pk)

    second.refresh_from_db()
    assert (second.result["created"], second.result["updated"], second.result["unchanged"]) == (
        0,
        0,
        2,
    )


def queued_import(user, status=JobStatus.QUEUED, attempts=0):
    job = BackgroundJob.objects.create(
        kind=JobKind.IMPORT,
        description="Import board.csv",
        parameters={"name": "board.csv", "options": {}},
        created_by=user,
        status=status,
        attempts=attempts,
    )
    job_file(job, UPLOAD).write_text(BOARD)
    return job


def test_a_job_another_session_holds_is_left_to_it_and_asked_for_later(staff_user):
    import psycopg
    from django.db import connection

    job = queued_import(staff_user)
    db = connection.settings_dict
    key = int.from_bytes(job.pk.bytes[:8], "big", signed=True)
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s::bigint)", [key])
        with pytest.raises(runner.JobBusy):
            runner.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    assert not PropMarket.objects.exists()

"""Background jobs in real `celery -A betterbros worker` processes on the Redis broker: each
kind queued from the admin and done by the worker, and a worker killed in the middle of a job's
transaction — nothing of it is left, and the job is run again (or failed after
JOB_MAX_ATTEMPTS deliveries)."""

import contextlib
import io
import os
import re
import signal
import subprocess

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from props.jobs.models import BackgroundJob, JobStatus
from props.models import PropMarket, Snapshot
from tests.factories import PropMarketFactory, SnapshotFactory, StaffUserFactory

pytestmark = pytest.mark.slow

BOARD = (
    "platform,external_id,league,week,player_name,market_type,line,odds\n"
    "prizepicks,pp-1,NFL,5,Josh Allen,passing_yards,265.5,-110\n"
    "prizepicks,pp-2,NFL,5,James Cook,rushing_yards,70.5,\n"
)


@pytest.fixture
def worker_env(settings, tmp_path):
    """The worker shares the test's job files directory (as web and worker share a volume)."""
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    settings.ADMIN_IMPORT_DIR = tmp_path / "uploads"
    return {"JOB_FILES_ROOT": str(settings.JOB_FILES_ROOT)}


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def finished_job():
    job = BackgroundJob.objects.order_by("-created_at").first()
    return job if job is not None and job.finished else None


def test_each_kind_of_job_queued_from_the_admin_is_done_by_a_real_worker(
    celery_workers, worker_env, staff_client
):
    celery_workers.start("jobs", env=worker_env)

    # Import: upload, preview, confirm.
    handle = io.BytesIO(BOARD.encode())
    handle.name = "board.csv"
    preview = staff_client.post(reverse("admin:props_propmarket_import"), {"file": handle})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    staff_client.post(reverse("admin:props_propmarket_import_confirm"), {"token": token})
    job = celery_workers.wait_for(finished_job)
    assert (job.status, job.result["created"]) == (JobStatus.SUCCEEDED, 2)
    assert PropMarket.objects.count() == 2

    # Capture.
    BackgroundJob.objects.all().delete()
    staff_client.post(
        reverse("admin:props_snapshot_capture"),
        {"snapshot_id": "nfl-week-5-final", "league": "NFL", "week": 5},
    )
    job = celery_workers.wait_for(finished_job)
    assert (job.status, job.result["markets"]) == (JobStatus.SUCCEEDED, 2)

    # Export of more than a page, downloaded from the job.
    BackgroundJob.objects.all().delete()
    PropMarketFactory.create_batch(30)
    response = staff_client.get(reverse("admin:props_propmarket_export") + "?n=25&board=all")
    job = celery_workers.wait_for(finished_job)
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    assert (job.status, job.result["rows"]) == (JobStatus.SUCCEEDED, 34)
    download = staff_client.get(reverse("admin:props_backgroundjob_download", args=[job.pk]))
    assert len(b"".join(download.streaming_content).splitlines()) == 35

    # Delete of a large snapshot.
    BackgroundJob.objects.all().delete()
    big = SnapshotFactory(snapshot_id="big")
    PropMarketFactory.create_batch(3, snapshot=big)
    with_threshold = {"post": "yes"}
    from django.test import override_settings

    with override_settings(JOB_DELETE_SNAPSHOT_THRESHOLD=2):
        staff_client.post(reverse("admin:props_snapshot_delete", args=[big.pk]), with_threshold)
    job = celery_workers.wait_for(finished_job)
    assert (job.status, job.result["markets"]) == (JobStatus.SUCCEEDED, 3)
    assert not Snapshot.objects.filter(snapshot_id="big").exists()


@contextlib.contextmanager
def history_inserts_blocked():
    """Another session holds the market history table against writes until the block ends: a
    capture then stops inside its transaction, its snapshot and copies written but not
    committed."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    ) as blocker:
        blocker.execute("LOCK TABLE prop_markets_history IN EXCLUSIVE MODE")
        yield blocker
        blocker.rollback()


def waiting_capture():
    """The database session of a capture waiting for the history table, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%INSERT INTO%prop_markets%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def kill_the_worker_child(process):
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    for child in children:
        os.kill(int(child), signal.SIGKILL)


def capture_killed_mid_transaction(celery_workers, env, staff_client):
    PropMarketFactory.create_batch(3, league="NFL", week=6)
    worker = celery_workers.start("jobs", env=env, pool="prefork", concurrency=1)
    with history_inserts_blocked():
        staff_client.post(
            reverse("admin:props_snapshot_capture"),
            {"snapshot_id": "nfl-week-6-final", "league": "NFL", "week": 6},
        )
        celery_workers.wait_for(waiting_capture)
        kill_the_worker_child(worker)
        # The killed worker's snapshot is not visible: its transaction never committed.
        assert not Snapshot.objects.exists()
    return celery_workers.wait_for(finished_job, timeout=40)


def test_a_worker_killed_mid_capture_leaves_nothing_and_the_job_runs_again(
    celery_workers, worker_env, staff_client
):
    job = capture_killed_mid_transaction(celery_workers, worker_env, staff_client)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    snapshot = Snapshot.objects.get()
    assert PropMarket.objects.filter(snapshot=snapshot).count() == 3
    # One '+' history row per copy: nothing of the killed attempt was kept.
    assert PropMarket.history.filter(snapshot_id=snapshot.pk).count() == 3


def test_a_job_whose_worker_is_killed_more_than_allowed_is_failed_with_nothing_written(
    celery_workers, worker_env, staff_client
):
    job = capture_killed_mid_transaction(
        celery_workers, {**worker_env, "JOB_MAX_ATTEMPTS": "1"}, staff_client
    )

    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Stopped: the worker ended 1 times while running this job.")
    assert not Snapshot.objects.exists()
    assert PropMarket.objects.count() == 3

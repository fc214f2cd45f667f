"""What a worker does with a background job: claim it, run it once, record the outcome.

- A job is run by one worker at a time (a PostgreSQL advisory lock on the job, released if the
  worker dies) and only while unfinished: a task delivered again after the job finished does
  nothing, so the tasks are idempotent.
- Each kind writes in one transaction. Captures and snapshot deletes also record their success
  in it, so the work and "succeeded" commit together; an import is `run_import`'s own
  transaction (run again it changes nothing more: 0 created, 0 updated); an export writes a
  file under a temporary name and renames it when complete.
- A worker killed mid-job leaves the database as it was (the transaction never committed) and,
  with `acks_late` and `reject_on_worker_lost`, the task is delivered again; after
  JOB_MAX_ATTEMPTS deliveries the job is marked failed instead. Any error marks it failed with
  the reason.
"""

import contextlib
import logging
import os
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .files import UPLOAD, expiry_from_now, job_file
from .models import BackgroundJob, JobKind, JobStatus

logger = logging.getLogger(__name__)

# An export records its progress every this many rows.
PROGRESS_EVERY = 5000


class JobFailed(Exception):
    """The job cannot be done; the message says why (shown on the progress page)."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result or {}


class JobBusy(Exception):
    """Another worker holds the job (or a killed worker's database session still does, until
    PostgreSQL ends it): the task tries again later."""


def run(job_id) -> BackgroundJob | None:
    """Run the job `job_id` if it is unfinished; JobBusy if another worker is running it."""
    with _exclusive(job_id) as mine:
        if not mine:
            raise JobBusy(job_id)
        job = _claim(job_id)
        if job is None:
            return None  # finished already: a task delivered again
        if job.attempts > settings.JOB_MAX_ATTEMPTS:
            _fail(job, _stopped_message(job))
            return job
        kind = RUNNERS[job.kind]
        try:
            if kind.in_one_transaction:
                with transaction.atomic():
                    _succeed(job, kind.run(job))
            else:
                _succeed(job, kind.run(job))
        except JobFailed as exc:
            _fail(job, str(exc), exc.result)
        except SoftTimeLimitExceeded:
            _fail(
                job,
                f"Stopped after the time limit ({settings.CELERY_TASK_SOFT_TIME_LIMIT} s); "
                "nothing was written.",
            )
        except Exception as exc:
            logger.exception("Background job %s (%s) failed", job.pk, job.kind)
            _fail(job, f"Failed: {exc.__class__.__name__}: {exc}. Nothing was written.")
        return job


@contextlib.contextmanager
def _exclusive(job_id):
    if connection.vendor != "postgresql":
        yield True
        return
    # The key: the job's UUID's first 64 bits (random; another lock's key is never one).
    key = int.from_bytes(uuid.UUID(str(job_id)).bytes[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::bigint)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [key])


def _claim(job_id):
    with transaction.atomic():
        job = (
            BackgroundJob.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.finished:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    return job


def _succeed(job, result):
    job.status = JobStatus.SUCCEEDED
    job.result = result
    job.error = ""
    job.finished_at = timezone.now()
    if job.progress_total is not None:
        job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "result",
            "error",
            "finished_at",
            "progress_done",
            "progress_total",
            "file_name",
            "download_name",
            "expires_at",
        ]
    )
    _remove_upload(job)


def _fail(job, message, result=None):
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        error=message,
        result=result or {},
        finished_at=timezone.now(),
        file_name="",
    )
    job.refresh_from_db()
    _remove_upload(job)


def _remove_upload(job):
    if job.kind == JobKind.IMPORT:
        job_file(job, UPLOAD).unlink(missing_ok=True)


def _stopped_message(job):
    return (
        f"Stopped: the worker ended {job.attempts - 1} times while running this job. Nothing "
        "was written; start it again from the admin."
    )


def fail_unqueued(job, exc):
    """The broker refused the task: the job is failed at once, saying so."""
    _fail(job, f"The job could not be queued ({exc}). Nothing was done; try again later.")


# --- the kinds ----------------------------------------------------------------------------------


class ImportJob:
    """Confirming an admin import: `run_import` on the upload kept for the job."""

    in_one_transaction = False  # run_import's own (it records its ImportRun beside it)

    @staticmethod
    def run(job):
        from ..feeds.models import RunOrigin
        from ..importers import ImportFailed, run_import
        from ..services import SnapshotLocked

        path = job_file(job, UPLOAD)
        if not path.exists():
            raise JobFailed("The uploaded file is gone; upload it again. Nothing was imported.")
        name = job.parameters["name"]
        try:
            report = run_import(
                str(path),
                user=job.created_by,
                source_name=name,
                origin=RunOrigin.ADMIN,
                **job.parameters["options"],
            )
        except SnapshotLocked as exc:
            raise JobFailed(f"{exc} Nothing was imported.") from None
        except ImportFailed as exc:
            report = exc.report
            message = str(exc)
            if report is not None and report.missing_options:
                message = report.missing_options_message(form=True)
            raise JobFailed(
                message, _import_result(report, name) if report is not None else {}
            ) from None
        return _import_result(report, name)


def _import_result(report, name):
    result = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "deactivated": report.deactivated,
        "rejected": len(report.rejected),
        "skipped": report.skipped,
        "summary": f"Imported {name}: {report.summary()}",
        "rejections": [str(group) for group in report.rejection_groups()[:50]],
    }
    run = getattr(report, "run", None)  # recorded by run_import; a refused file has none
    if run is not None:
        result["import_run"] = str(run.pk)
    return result


class ExportJob:
    """An export of more rows than a page: the changelist's filters, written as the CSV of
    `export_props` to a file kept JOB_FILE_MAX_AGE seconds."""

    in_one_transaction = False

    @staticmethod
    def run(job):
        from ..exporters import csv_pieces, export_rows
        from .changelists import changelist_queryset

        queryset = changelist_queryset(job)
        total = queryset.count()
        BackgroundJob.objects.filter(pk=job.pk).update(progress_total=total, progress_done=0)
        job.progress_total = total
        partial = job_file(job, ".csv.part")
        final = job_file(job, ".csv")
        counter = _Progress(job)
        with partial.open("w", encoding="utf-8", newline="") as handle:
            for piece in csv_pieces(counter.counting(export_rows(queryset))):
                handle.write(piece)
        os.replace(partial, final)
        job.file_name = final.name
        job.download_name = job.parameters["download_name"]
        job.expires_at = expiry_from_now()
        return {"rows": counter.rows, "summary": f"Exported {counter.rows:,} prop markets."}


class _Progress:
    def __init__(self, job):
        self.job = job
        self.rows = 0

    def counting(self, rows):
        for row in rows:
            self.rows += 1
            if self.rows % PROGRESS_EVERY == 0:
                BackgroundJob.objects.filter(pk=self.job.pk).update(progress_done=self.rows)
            yield row


class CaptureJob:
    """Capturing a live board into a new snapshot (`capture_snapshot`)."""

    in_one_transaction = True

    @staticmethod
    def run(job):
        from ..services import capture_snapshot

        options = job.parameters
        try:
            with transaction.atomic():
                snapshot = capture_snapshot(user=job.created_by, **options)
        except IntegrityError:
            raise JobFailed(
                f"A snapshot with the slug {options['slug']} was created meanwhile; "
                "nothing was captured."
            ) from None
        board = f"{options['league']} week {options['week']}"
        if options.get("season"):
            board += f" {options['season']}"
        captured = snapshot.captured_markets
        if captured:
            locked = " and locked it" if snapshot.is_locked else ""
            summary = (
                f"Captured {captured} markets of the live {board} board into "
                f"{snapshot.snapshot_id}{locked}."
            )
        else:
            summary = f"The live {board} board has no markets: {snapshot.snapshot_id} is empty."
        job.progress_total = captured
        return {
            "markets": captured,
            "snapshot": snapshot.snapshot_id,
            "snapshot_pk": str(snapshot.pk),
            "locked": snapshot.is_locked,
            "summary": summary,
        }


class DeleteSnapshotsJob:
    """Deleting snapshots with their markets (`delete_snapshot`), all or none."""

    in_one_transaction = True

    @staticmethod
    def run(job):
        from ..models import Snapshot
        from ..services import SnapshotLocked, delete_snapshot

        snapshots = list(
            Snapshot.objects.select_for_update()
            .filter(pk__in=job.parameters["snapshots"])
            .order_by("pk")
        )
        markets = 0
        try:
            for snapshot in snapshots:
                markets += delete_snapshot(snapshot=snapshot, user=job.created_by)
        except SnapshotLocked as exc:
            raise JobFailed(f"{exc} Nothing was deleted.") from None
        slugs = [snapshot.snapshot_id for snapshot in snapshots]
        if not slugs:
            summary = "Nothing to delete: the snapshots were already gone."
        else:
            summary = f"Deleted {', '.join(slugs)} and {markets:,} prop markets."
        return {"snapshots": slugs, "markets": markets, "summary": summary}


RUNNERS = {
    JobKind.IMPORT: ImportJob,
    JobKind.EXPORT: ExportJob,
    JobKind.CAPTURE: CaptureJob,
    JobKind.DELETE_SNAPSHOTS: DeleteSnapshotsJob,
}

"""The background jobs' tasks (props.jobs): one per kind, so each can be routed to its own
queue, and the periodic removal of expired export files.

Each task takes the job's id and is idempotent (a finished job is not run again); `acks_late`
with `reject_on_worker_lost` has a task whose worker died delivered again, and the runner
marks the job failed after JOB_MAX_ATTEMPTS deliveries.
"""

from celery import shared_task
from django.conf import settings

from ..jobs import files, runner
from ..jobs.models import JobKind

# A job held elsewhere is asked for again every BUSY_RETRY_SECONDS, for up to a time limit.
BUSY_RETRY_SECONDS = 3
BUSY_RETRIES = settings.CELERY_TASK_TIME_LIMIT // BUSY_RETRY_SECONDS

JOB_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


@shared_task(name="props.jobs.import", bind=True, **JOB_TASK_OPTIONS)
def import_job(self, job_id):
    _run(self, job_id)


@shared_task(name="props.jobs.export", bind=True, **JOB_TASK_OPTIONS)
def export_job(self, job_id):
    _run(self, job_id)


@shared_task(name="props.jobs.capture", bind=True, **JOB_TASK_OPTIONS)
def capture_job(self, job_id):
    _run(self, job_id)


@shared_task(name="props.jobs.delete_snapshots", bind=True, **JOB_TASK_OPTIONS)
def delete_snapshots_job(self, job_id):
    _run(self, job_id)


def _run(task, job_id):
    try:
        runner.run(job_id)
    except runner.JobBusy as exc:
        # Another worker has it, or the session of a killed one lingers: ask again later (a
        # finished job is then left alone).
        raise task.retry(exc=exc, countdown=BUSY_RETRY_SECONDS, max_retries=BUSY_RETRIES) from None


@shared_task(name="props.jobs.remove_expired_files", ignore_result=True)
def remove_expired_job_files():
    return files.remove_expired_files()


TASKS = {
    JobKind.IMPORT: import_job,
    JobKind.EXPORT: export_job,
    JobKind.CAPTURE: capture_job,
    JobKind.DELETE_SNAPSHOTS: delete_snapshots_job,
}

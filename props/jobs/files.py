"""Files of background jobs under JOB_FILES_ROOT (shared by the web and worker processes):
uploads waiting for their import job, and export files kept JOB_FILE_MAX_AGE seconds."""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

UPLOAD = ".upload"


def files_root() -> Path:
    root = Path(settings.JOB_FILES_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def job_file(job, suffix) -> Path:
    # Named by the job's UUID only: nothing a person typed reaches the path.
    return files_root() / f"{job.pk}{suffix}"


def expiry_from_now():
    return timezone.now() + datetime.timedelta(seconds=settings.JOB_FILE_MAX_AGE)


def remove_expired_files(now=None) -> int:
    """Remove the files of jobs past their `expires_at` (and forget them on the job); then any
    file under the root older than JOB_FILE_MAX_AGE that no job names (left by a killed
    worker). Returns how many job files were removed."""
    from .models import UNFINISHED, BackgroundJob

    now = now or timezone.now()
    expired = BackgroundJob.objects.exclude(file_name="").filter(expires_at__lte=now)
    removed = 0
    for job in expired.only("pk", "file_name"):
        (files_root() / job.file_name).unlink(missing_ok=True)
        BackgroundJob.objects.filter(pk=job.pk).update(file_name="")
        removed += 1
    cutoff = now.timestamp() - settings.JOB_FILE_MAX_AGE
    named = set(BackgroundJob.objects.exclude(file_name="").values_list("file_name", flat=True))
    waiting = BackgroundJob.objects.filter(status__in=UNFINISHED).values_list("pk", flat=True)
    named.update(f"{pk}{UPLOAD}" for pk in waiting)
    for path in files_root().iterdir():
        try:
            if path.name not in named and path.stat().st_mtime < cutoff:
                os.unlink(path)
        except FileNotFoundError:
            pass
    return removed

"""`BackgroundJob`: long admin work (import confirm, large export, capture, large snapshot
delete) queued for a Celery worker, with the state its progress page shows. Imported by
props.models, so it belongs to the props app."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class JobKind(models.TextChoices):
    IMPORT = "import", "Import a file"
    EXPORT = "export", "Export prop markets"
    CAPTURE = "capture", "Capture a board"
    DELETE_SNAPSHOTS = "delete_snapshots", "Delete snapshots"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    description = models.CharField(max_length=200)
    # What the worker needs (JSON): options, filters, the snapshots to delete …
    parameters = models.JSONField(default=dict, blank=True)
    # What it did (JSON): counts, the summary line, links to what it made.
    result = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Deliveries of the task so far: a worker killed mid-job has it delivered again.
    attempts = models.PositiveSmallIntegerField(default=0)
    # An export's file: its name under JOB_FILES_ROOT, and the name it downloads as.
    file_name = models.CharField(max_length=100, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="background_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the file is removed (by the periodic `remove_expired_job_files`).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "background_jobs"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="background_jobs_user_idx"),
            models.Index(
                fields=["expires_at"],
                name="background_jobs_expiry_idx",
                condition=~Q(file_name=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values), name="background_jobs_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="background_jobs_status_valid"
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))

"""The admin's entry points to background work: each records a `BackgroundJob` (committed at
once: admin requests run in autocommit) and queues its task. The request does no more than
that; the progress page shows the rest."""

import shutil

from django.http import QueryDict
from django.utils import timezone
from kombu.exceptions import OperationalError

from .files import UPLOAD, job_file
from .models import BackgroundJob, JobKind


def queue_import(*, user, upload, name, options, size=None) -> BackgroundJob:
    """Import the stored upload at path `upload` with `run_import`'s `options`. The file moves
    under JOB_FILES_ROOT, where the worker reads it."""
    job = BackgroundJob.objects.create(
        kind=JobKind.IMPORT,
        description=f"Import {name}"[:200],
        parameters={"name": name, "options": options, "bytes": size},
        created_by=user,
    )
    shutil.move(str(upload), job_file(job, UPLOAD))
    return _queued(job)


def queue_export(*, user, query) -> BackgroundJob:
    """Export the prop-market changelist with the filters and search of `query` (its query
    string) as CSV."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    job = BackgroundJob.objects.create(
        kind=JobKind.EXPORT,
        description=f"Export of prop markets{filters_text(query)}"[:200],
        parameters={"query": query, "download_name": f"prop-markets-{stamp}.csv"},
        created_by=user,
    )
    return _queued(job)


# A changelist's sort, page and page-size parameters: not what the export holds.
NOT_FILTERS = frozenset({"o", "p", "n", "e", "after", "before", "last", "_changelist_filters"})


def filters_text(query) -> str:
    """The filters of a changelist query string as staff read them in the jobs list:
    "league=NFL&week=5&q=mahom" -> ": league NFL, week 5, search “mahom”" ("" for none)."""
    parts = []
    for key, values in QueryDict(query).lists():
        value = ", ".join(values)
        if key in NOT_FILTERS or not value:
            continue
        if key == "q":
            parts.append(f"search “{value}”")
        elif key == "is_active__exact":
            parts.append("active" if value == "1" else "inactive")
        else:
            parts.append(f"{key.split('__')[0].replace('_', ' ')} {value}")
    return f": {', '.join(parts)}" if parts else ""


def queue_capture(*, user, markets, **options) -> BackgroundJob:
    """Capture a live board (`capture_snapshot`'s keyword arguments) into a new snapshot."""
    board = f"{options['league']} week {options['week']}"
    job = BackgroundJob.objects.create(
        kind=JobKind.CAPTURE,
        description=f"Capture of the live {board} board into {options['slug']}"[:200],
        parameters=options,
        progress_total=markets,
        created_by=user,
    )
    return _queued(job)


def queue_snapshot_delete(*, user, snapshots, markets) -> BackgroundJob:
    """Delete `snapshots` with their `markets` prop markets, all or none."""
    slugs = ", ".join(snapshot.snapshot_id for snapshot in snapshots)
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_SNAPSHOTS,
        description=f"Delete {slugs}"[:200],
        parameters={"snapshots": [str(snapshot.pk) for snapshot in snapshots]},
        progress_total=markets,
        created_by=user,
    )
    return _queued(job)


def _queued(job):
    from ..tasks.jobs import TASKS
    from .runner import fail_unqueued

    try:
        TASKS[job.kind].delay(str(job.pk))
    except OperationalError as exc:  # the broker is down: said on the progress page, not a 500
        fail_unqueued(job, exc)
    return job

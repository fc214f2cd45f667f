"""Recording imports (`props.ImportRun`) and reading them back.

`run_import` records every import that writes (dry runs are previews, not imports): it creates the
run (or takes a queued one, e.g. made when the admin queued the work), marks it running, and
finishes it with the report's counts or the error. The run is written outside the import's
transaction, so a failed import still leaves its run.

`board_freshness()` is what the admin dashboard shows: each platform's last successful import and
whether its board is older than its feed source's interval.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .feeds.models import FeedSource, ImportRun, RunOrigin, RunStatus

# Succeeded runs read (newest first) to find each platform's last one.
FRESHNESS_RUNS_READ = 1000


def start_run(run=None, *, source_name="", user=None, feed_source=None, origin=None, **fields):
    """The run of an import that starts now: `run` (queued earlier) or a new one."""
    now = timezone.now()
    if run is None:
        run = ImportRun(queued_at=now)
    run.status = RunStatus.RUNNING
    run.started_at = run.started_at or now
    run.source_name = (run.source_name or source_name or "")[:300]
    if user is not None and getattr(user, "pk", None):
        run.user = user
    if feed_source is not None:
        run.source = feed_source
        run.origin = RunOrigin.FEED
    if origin:
        run.origin = origin
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run


def finish_run(run, report, *, status=RunStatus.SUCCEEDED, error=""):
    """Write the report's counts (and the error, if any) and end the run."""
    if report is not None:
        run.source_name = (report.source_name or run.source_name)[:300]
        run.format = report.format
        run.snapshot = report.snapshot[:100]
        run.platforms = _platform_list(getattr(report, "platforms", ()))
        run.created = report.created
        run.updated = report.updated
        run.unchanged = report.unchanged
        run.deactivated = report.deactivated
        run.rejected = len(report.rejected)
        run.skipped = report.skipped
        run.seconds = round(report.seconds, 4)
        run.rows_per_second = round(report.rows_per_second, 1)
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    if run.started_at is None or run.started_at > run.finished_at:
        run.started_at = run.finished_at
    if report is None and run.started_at:
        run.seconds = (run.finished_at - run.started_at).total_seconds()
    run.save()
    return run


def fail_run(run, error, report=None):
    return finish_run(run, report, status=RunStatus.FAILED, error=str(error) or repr(error))


def _platform_list(platforms) -> str:
    names = sorted(platforms)
    return f",{','.join(names)}," if names else ""


@dataclass(frozen=True)
class PlatformFreshness:
    platform: str
    last_success: datetime | None
    run_id: int | None
    # The shortest interval of the enabled sources feeding this platform; None: no source.
    interval: timedelta | None
    stale: bool


def board_freshness(now=None) -> list[PlatformFreshness]:
    """Each platform with an import or an enabled feed source: its last successful import, and
    `stale` when that is older than its source's interval (or there is none yet)."""
    now = now or timezone.now()
    intervals: dict[str, timedelta] = {}
    for platform, seconds in (
        FeedSource.objects.filter(enabled=True)
        .exclude(platform="")
        .values_list("platform", "interval_seconds")
    ):
        interval = timedelta(seconds=seconds)
        intervals[platform] = min(interval, intervals.get(platform, interval))
    last: dict[str, tuple[datetime, int]] = {}
    succeeded = (
        ImportRun.objects.filter(status=RunStatus.SUCCEEDED, snapshot="")
        .exclude(platforms="")
        .order_by("-finished_at")
        .values_list("platforms", "finished_at", "pk")[:FRESHNESS_RUNS_READ]
    )
    for platforms, finished_at, pk in succeeded:
        for platform in platforms.strip(",").split(","):
            last.setdefault(platform, (finished_at, pk))
    rows = []
    for platform in sorted(set(intervals) | set(last)):
        finished_at, pk = last.get(platform, (None, None))
        interval = intervals.get(platform)
        stale = interval is not None and (finished_at is None or now - finished_at > interval)
        rows.append(PlatformFreshness(platform, finished_at, pk, interval, stale))
    return rows

"""Polling a feed source: fetch (props/feeds/fetch.py), then `run_import`, recorded as an
ImportRun whatever happens.

One poll per source at a time across every worker and machine: a PostgreSQL advisory lock (a
session lock, so a killed worker's lock goes with its connection). Beat claims due sources by
moving their `next_poll_at` with a conditional UPDATE, so a source is queued once per interval;
each queued poll carries the source's `last_polled_at` as it was when queued, and a poll that
finds it changed (another worker got there first) does nothing — a task delivered twice imports
once. A source failing FEEDS_MAX_CONSECUTIVE_FAILURES times in a row is flagged and no longer
polled until enabled again.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from ..import_runs import fail_run, finish_run, start_run
from ..importers import run_import
from ..services import DomainError
from .fetch import FetchFailed, fetch
from .models import FeedSource, ImportRun, RunStatus

logger = logging.getLogger(__name__)

# pg_advisory_lock(classid, objid): classid names the kind of lock ("FEED"), objid the source.
LOCK_CLASS = 0x46454544
WORKER_LOST = "The poll stopped mid-way (worker killed or lost); its import was rolled back."


@contextmanager
def source_lock(source_id):
    """True when this process holds the source's lock until the block ends, False when another
    poll holds it. SQLite (one process, `make run`) has no lock to take."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, source_id])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, source_id])


def due_sources(now=None):
    now = now or timezone.now()
    return FeedSource.objects.filter(enabled=True, flagged_at__isnull=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )


def claim_due_sources(now=None) -> list[tuple[int, str | None]]:
    """Move each due source's next poll one interval on and return (id, last_polled_at) of those
    this caller claimed (a concurrent scheduler claims the others)."""
    now = now or timezone.now()
    claimed = []
    for source in due_sources(now).only("pk", "next_poll_at", "interval_seconds", "last_polled_at"):
        moved = FeedSource.objects.filter(pk=source.pk, next_poll_at=source.next_poll_at).update(
            next_poll_at=now + timedelta(seconds=source.interval_seconds)
        )
        if moved:
            claimed.append((source.pk, _token(source.last_polled_at)))
    return claimed


def _token(moment):
    return moment.isoformat() if moment else None


def poll_source(source_id, *, expected_last_polled=..., task_id="") -> ImportRun | None:
    """Poll one source now. Returns its run, or None when another poll holds the source or has
    polled it since this one was queued (`expected_last_polled`, the source's last_polled_at
    then, as an ISO string or None)."""
    with source_lock(source_id) as acquired:
        if not acquired:
            logger.info("Feed source %s is being polled elsewhere; skipped.", source_id)
            return None
        source = FeedSource.objects.filter(pk=source_id).first()
        if source is None:
            return None
        if expected_last_polled is not ... and _token(source.last_polled_at) != (
            expected_last_polled
        ):
            logger.info("Feed source %s was polled since this poll was queued.", source.name)
            return None
        _fail_abandoned_runs(source)
        run = start_run(source_name=source.name, feed_source=source, task_id=task_id or "")
        try:
            return _poll(source, run)
        except BaseException as exc:  # a time limit, a shutdown: end the run before leaving
            if run.status == RunStatus.RUNNING:
                fail_run(run, f"Stopped: {exc!r}")
                _polled(source, failed=True)
            raise


def _poll(source, run):
    try:
        fetched = fetch(source)
    except FetchFailed as exc:
        run.attempts, run.http_status = exc.attempts, exc.status
        fail_run(run, exc)
        _polled(source, failed=True)
        return run
    run.attempts, run.http_status, run.body_bytes = fetched.attempts, fetched.status, fetched.size
    if fetched.not_modified:
        run.platforms = _last_platforms(source)
        finish_run(run, None, status=RunStatus.NOT_MODIFIED)
        _polled(source, failed=False)
        return run
    with fetched.body:
        try:
            run_import(
                fetched.body,
                source_name=source.name,
                run=run,
                feed_source=source,
                **source.import_options(),
            )
        except DomainError:  # ImportFailed, SnapshotLocked: run_import recorded the run
            _polled(source, failed=True)
            return run
    _polled(source, failed=False, etag=fetched.etag, last_modified=fetched.last_modified)
    return run


def _polled(source, *, failed, etag=None, last_modified=None):
    now = timezone.now()
    changes = {"last_polled_at": now}
    if failed:
        changes["consecutive_failures"] = F("consecutive_failures") + 1
    else:
        changes["consecutive_failures"] = 0
        if etag is not None:
            changes.update(etag=etag[:500], last_modified=last_modified[:100])
    FeedSource.objects.filter(pk=source.pk).update(**changes)
    if failed:
        flagged = FeedSource.objects.filter(
            pk=source.pk,
            consecutive_failures__gte=settings.FEEDS_MAX_CONSECUTIVE_FAILURES,
            flagged_at__isnull=True,
        ).update(flagged_at=now)
        if flagged:
            logger.error(
                "Feed source %s flagged after %s failed polls in a row; not polled until "
                "enabled again.",
                source.name,
                settings.FEEDS_MAX_CONSECUTIVE_FAILURES,
            )
    source.refresh_from_db()


def _fail_abandoned_runs(source):
    """Runs of this source still 'running' while we hold its lock were left by a dead worker."""
    for run in ImportRun.objects.filter(source=source, status=RunStatus.RUNNING):
        fail_run(run, WORKER_LOST)


def _last_platforms(source):
    last = (
        ImportRun.objects.filter(source=source, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("platforms", flat=True)
        .first()
    )
    return last or (f",{source.platform}," if source.platform else "")


def enable(source):
    """Enable a source and clear its flag and failure streak; it is due at once."""
    FeedSource.objects.filter(pk=source.pk).update(
        enabled=True, flagged_at=None, consecutive_failures=0, next_poll_at=None
    )
    source.refresh_from_db()


def disable(source):
    FeedSource.objects.filter(pk=source.pk).update(enabled=False)
    source.refresh_from_db()

"""Feed polls on the workers: beat runs `poll_due_sources` every FEEDS_SCHEDULER_SECONDS; it
queues one `poll_source` per due source (see props/feeds/polling.py for the locking).

Both are safe to run twice: a poll delivered twice (acks_late after a lost worker) imports once,
and an import is one transaction, so a worker killed mid-import leaves the board as it was; the
next poll of the source marks that run failed.
"""

from celery import shared_task

from ..feeds import polling


@shared_task(name="props.tasks.feeds.poll_source", bind=True)
def poll_source(self, source_id, last_polled_at=...):
    """Poll one source; `last_polled_at` (as queued) makes a second delivery a no-op."""
    options = {} if last_polled_at is ... else {"expected_last_polled": last_polled_at}
    run = polling.poll_source(source_id, task_id=self.request.id or "", **options)
    if run is None:
        return {"source": source_id, "run": None, "status": "skipped"}
    return {"source": source_id, "run": run.pk, "status": run.status}


@shared_task(name="props.tasks.feeds.poll_due_sources")
def poll_due_sources():
    """Queue a poll of every due source (each claimed once, whatever runs this)."""
    claimed = polling.claim_due_sources()
    for source_id, last_polled_at in claimed:
        poll_source.delay(source_id, last_polled_at)
    return len(claimed)

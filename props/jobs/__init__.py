"""Background jobs: long admin work queued for a Celery worker (see docs/background-jobs.md).

- `models`: `BackgroundJob`, the state the progress page shows;
- `queue`: the admin's entry points, which record a job and queue its task;
- `runner`: what a worker does with a job (claim, run once, record the outcome);
- `files`: export files under JOB_FILES_ROOT and their removal when they expire.
"""

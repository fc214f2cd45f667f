"""Fixtures for tests of background jobs, importable by other test packages (the admin tests
whose clicks now queue a job): tasks run eagerly in the test process, as `make run` without a
broker does, and job files go to the test's own directory."""

import pytest


def run_tasks_eagerly(monkeypatch):
    """Celery runs tasks in the calling process until the test ends. Set in the app's own
    configuration under both of its names: a value set there (e.g. by the real-worker
    fixture) hides the Django setting."""
    from betterbros.celery import app

    for key in ("task_always_eager", "CELERY_TASK_ALWAYS_EAGER"):
        monkeypatch.setitem(app.conf, key, True)


@pytest.fixture
def job_files(settings, tmp_path):
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    return settings.JOB_FILES_ROOT


@pytest.fixture
def run_jobs_eagerly(job_files, monkeypatch):
    run_tasks_eagerly(monkeypatch)

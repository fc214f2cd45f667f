"""Fixtures for tests of background jobs, importable by other test packages (the admin tests
whose clicks now queue a job): tasks run eagerly in the test process, as `make run` without a
broker does, and job files go to the test's own directory."""

import pytest


@pytest.fixture
def job_files(settings, tmp_path):
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    return settings.JOB_FILES_ROOT


@pytest.fixture
def run_jobs_eagerly(job_files, settings):
    # The Celery app reads the Django settings live (namespace CELERY).
    settings.CELERY_TASK_ALWAYS_EAGER = True

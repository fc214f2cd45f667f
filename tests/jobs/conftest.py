import pytest

from tests.admin.conftest import staff_client  # noqa: F401
from tests.celery_worker import celery_broker, celery_workers  # noqa: F401

from .eager import job_files, run_jobs_eagerly  # noqa: F401


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.ADMIN_IMPORT_DIR = tmp_path / "uploads"
    return settings.ADMIN_IMPORT_DIR

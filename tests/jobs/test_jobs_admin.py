"""The admin's list of background jobs and a job's progress page."""

import pytest
from django.urls import reverse

from props.jobs.models import BackgroundJob, JobKind, JobStatus
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def job_of(user, **fields):
    return BackgroundJob.objects.create(
        kind=JobKind.EXPORT, description=f"Export for {user.email}", created_by=user, **fields
    )


def test_a_queued_job_page_says_so_and_reloads_itself(staff_client, staff_user):
    job = job_of(staff_user)
    page = staff_client.get(reverse("admin:props_backgroundjob_change", args=[job.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Waiting for a worker." in html
    assert "<script" not in html.split("<body")[1]  # readable without JavaScript


def test_a_running_job_shows_its_progress(staff_client, staff_user):
    job = job_of(staff_user, status=JobStatus.RUNNING, progress_done=5000, progress_total=20000)
    html = staff_client.get(reverse("admin:props_backgroundjob_change", args=[job.pk])).content
    assert b'<progress id="job-progress" max="20000" value="5000">25%</progress>' in html


def test_staff_see_only_their_own_jobs_and_superusers_everyones(client):
    mine_user = UserFactory(is_staff=True)
    theirs_user = UserFactory(is_staff=True)
    mine, theirs = job_of(mine_user), job_of(theirs_user)
    url = reverse("admin:props_backgroundjob_changelist")

    client.force_login(mine_user)
    listing = client.get(url).content.decode()
    assert mine.description in listing and theirs.description not in listing

    client.force_login(StaffUserFactory())
    listing = client.get(url).content.decode()
    assert mine.description in listing and theirs.description in listing


def test_a_job_id_that_is_no_uuid_is_a_404(staff_client):
    url = reverse("admin:props_backgroundjob_change", args=["not-a-uuid"])
    assert staff_client.get(url).status_code == 404


def test_a_job_cannot_be_added_changed_or_deleted_in_the_admin(staff_client, staff_user):
    job = job_of(staff_user)
    assert staff_client.get(reverse("admin:props_backgroundjob_add")).status_code == 403
    url = reverse("admin:props_backgroundjob_delete", args=[job.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert BackgroundJob.objects.filter(pk=job.pk).exists()


@pytest.fixture
def broker_down(settings):
    """The broker is a closed port on loopback."""
    from tests.celery_worker import _point_app_at

    settings.CELERY_TASK_ALWAYS_EAGER = False
    closed = "redis://127.0.0.1:16399/0"
    previous = _point_app_at(broker_url=closed, result_backend=closed)
    yield
    _point_app_at(**previous)


def test_with_the_broker_down_the_click_fails_the_job_and_says_so(broker_down, staff_client):
    from tests.factories import PropMarketFactory

    PropMarketFactory.create_batch(2, league="NFL", week=6)
    response = staff_client.post(
        reverse("admin:props_snapshot_capture"),
        {"snapshot_id": "nfl-week-6-final", "league": "NFL", "week": 6},
    )
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job could not be queued (")
    assert "Nothing was done; try again later." in staff_client.get(response.url).content.decode()

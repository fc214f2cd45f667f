"""Exporting more than a page of the market list queues a job: the worker writes the
changelist's filtered rows as the export_props CSV to a file, the progress page offers it to
whoever started it (and superusers), and the file is removed when it expires."""

import csv
import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from props.jobs.models import BackgroundJob, JobKind, JobStatus
from props.tasks.jobs import remove_expired_job_files
from tests.factories import PropMarketFactory, StaffUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("run_jobs_eagerly")]

EXPORT = reverse("admin:props_propmarket_export")


def export_job(client, query="?n=25"):
    response = client.get(EXPORT + query)
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:props_backgroundjob_change", args=[job.pk])
    return job


def download(client, job):
    response = client.get(reverse("admin:props_backgroundjob_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_an_export_of_more_than_a_page_is_a_job_whose_file_holds_the_filtered_rows(
    staff_client,
):
    PropMarketFactory.create_batch(30, league="NFL", week=5)
    PropMarketFactory.create_batch(2, league="NBA", week=5)

    job = export_job(staff_client, "?n=25&league__exact=NFL")

    job.refresh_from_db()
    assert job.error == ""
    assert (job.kind, job.status, job.result["rows"]) == (JobKind.EXPORT, JobStatus.SUCCEEDED, 30)
    assert (job.progress_done, job.progress_total) == (30, 30)
    page = staff_client.get(reverse("admin:props_backgroundjob_change", args=[job.pk]))
    assert "Exported 30 prop markets." in page.content.decode()
    assert 'id="job-download"' in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(download(staff_client, job))))
    assert len(rows) == 30 and {row["league"] for row in rows} == {"NFL"}


def test_the_jobs_list_names_an_export_by_its_filters_not_its_query_string(staff_client):
    PropMarketFactory.create_batch(30, league="NFL", week=5, player_name="Patrick Mahomes")

    job = export_job(staff_client, "?n=25&o=3&league__exact=NFL&week=5&is_active__exact=1&q=mah")

    assert job.description == "Export of prop markets: league NFL, week 5, active, search “mah”"
    listing = staff_client.get(reverse("admin:props_backgroundjob_changelist")).content.decode()
    assert "league NFL, week 5, active, search" in listing


def test_the_exported_file_is_what_export_props_writes(staff_client, tmp_path):
    PropMarketFactory.create_batch(30, league="NFL", week=5, extra_metadata={"a": 1})
    job = export_job(staff_client)
    command_file = tmp_path / "command.csv"
    call_command("export_props", "--output", str(command_file))

    assert download(staff_client, job) == command_file.read_bytes().decode()


def test_an_export_of_a_page_or_less_is_still_sent_at_once(staff_client):
    PropMarketFactory.create_batch(25, league="NFL", week=5)
    response = staff_client.get(EXPORT + "?n=25")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert not BackgroundJob.objects.exists()


def test_another_staff_member_can_neither_see_nor_download_the_export(client, staff_client):
    PropMarketFactory.create_batch(30)
    job = export_job(staff_client)
    colleague = UserFactory(is_staff=True, is_superuser=False)
    client.force_login(colleague)

    assert client.get(reverse("admin:props_backgroundjob_change", args=[job.pk])).status_code == 404
    download_url = reverse("admin:props_backgroundjob_download", args=[job.pk])
    assert client.get(download_url).status_code == 404
    listing = client.get(reverse("admin:props_backgroundjob_changelist")).content.decode()
    assert job.description not in listing


def test_a_superuser_can_download_anyones_export(client, staff_client):
    PropMarketFactory.create_batch(30)
    job = export_job(staff_client)
    client.force_login(StaffUserFactory())
    assert len(download(client, job).splitlines()) == 31


def test_expired_export_files_are_removed_by_the_periodic_task(staff_client, job_files):
    PropMarketFactory.create_batch(30)
    job = export_job(staff_client)
    job.refresh_from_db()
    path = job_files / job.file_name
    assert path.exists()
    BackgroundJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert remove_expired_job_files.delay().get() == 1

    job.refresh_from_db()
    assert not path.exists() and job.file_name == ""
    download_url = reverse("admin:props_backgroundjob_download", args=[job.pk])
    assert staff_client.get(download_url).status_code == 404
    page = staff_client.get(reverse("admin:props_backgroundjob_change", args=[job.pk]))
    assert "The file has expired and was removed" in page.content.decode()


def test_files_no_job_names_are_removed_once_older_than_the_retention(job_files, settings):
    job_files.mkdir(parents=True, exist_ok=True)
    left_by_a_killed_worker = job_files / "0f0e.csv.part"
    left_by_a_killed_worker.write_text("half a file")
    recent = job_files / "0f0f.csv.part"
    recent.write_text("being written")
    old = timezone.now().timestamp() - settings.JOB_FILE_MAX_AGE - 1
    os.utime(left_by_a_killed_worker, (old, old))

    remove_expired_job_files.delay().get()

    assert not left_by_a_killed_worker.exists() and recent.exists()


def test_an_export_whose_owner_lost_admin_access_fails_without_a_file(staff_client, staff_user):
    from props.jobs import runner

    PropMarketFactory.create_batch(30)
    job = BackgroundJob.objects.create(
        kind=JobKind.EXPORT,
        description="Export",
        parameters={"query": "", "download_name": "x.csv"},
        created_by=UserFactory(is_staff=False),
    )
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.file_name == ""
    assert "can no longer use the admin" in job.error

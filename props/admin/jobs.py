"""Background jobs in the admin: each staff member's list of their jobs, a job's progress page
(reloaded every few seconds while it runs; plain HTML, readable without JavaScript) and the
download of an export's file. A job is seen only by whoever started it and by superusers;
anyone else gets a 404."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from betterbros.admin_read_only import ReadOnlyAdminMixin

from ..jobs.files import files_root
from ..jobs.models import BackgroundJob, JobKind, JobStatus

# Seconds between reloads of the progress page of an unfinished job.
REFRESH_SECONDS = 2


def progress_url(job) -> str:
    return reverse("admin:props_backgroundjob_change", args=[job.pk])


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["description", "kind", "status", "progress", "created_at", "finished_at"]
    list_display_links = ["description"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    date_hierarchy = None
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        if request.user.is_superuser:
            return jobs
        return jobs.filter(created_by=request.user)

    def get_list_display(self, request):
        if request.user.is_superuser:
            return [*self.list_display, "created_by"]
        return self.list_display

    # Every staff member sees their own jobs; nobody edits them (the workers do).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @admin.display(description="Progress")
    def progress(self, job):
        if job.status == JobStatus.SUCCEEDED:
            return job.result.get("summary", "Done")
        if job.status == JobStatus.FAILED:
            return format_html('<span class="job-error">{}</span>', job.error)
        if job.percent is not None:
            return f"{job.percent}%"
        return "—"

    # --- the progress page and the download ---------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._own_job(request, object_id)
        return TemplateResponse(
            request,
            "admin/props/backgroundjob/progress.html",
            {
                **self.admin_site.each_context(request),
                "title": job.description,
                "opts": self.opts,
                "job": job,
                "refresh_seconds": None if job.finished else REFRESH_SECONDS,
                "result_link": _result_link(job),
                "import_run_url": _import_run_url(job),
                "download_url": (
                    reverse("admin:props_backgroundjob_download", args=[job.pk])
                    if job.file_name
                    else None
                ),
            },
        )

    def download_view(self, request, object_id):
        job = self._own_job(request, object_id)
        if job.kind != JobKind.EXPORT or not job.file_name:
            raise Http404("This job has no file (it is not ready, or it has expired).")
        try:
            handle = (files_root() / job.file_name).open("rb")
        except FileNotFoundError:
            raise Http404("This job's file has expired.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=job.download_name, content_type="text/csv"
        )
        response["Cache-Control"] = "no-store"
        return response

    def _own_job(self, request, object_id) -> BackgroundJob:
        try:
            job = (
                self.get_queryset(request)
                .select_related("created_by")
                .filter(pk=unquote(object_id))
                .first()
            )
        except ValidationError:  # not a UUID
            job = None
        if job is None:
            raise Http404("No such job.")
        return job

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/download/",
                view(self.download_view),
                name="props_backgroundjob_download",
            ),
            *super().get_urls(),
        ]


def _import_run_url(job):
    """The ImportRun an import job recorded (run_import records one for every import)."""
    run = job.result.get("import_run")
    if not run:
        return None
    try:
        return reverse("admin:props_importrun_change", args=[run])
    except NoReverseMatch:  # the import runs' admin is not installed
        return None


def _result_link(job):
    """Where the job's outcome is seen: the snapshot it made, the markets it imported."""
    if job.status != JobStatus.SUCCEEDED:
        return None
    if job.kind == JobKind.CAPTURE and job.result.get("snapshot_pk"):
        return (
            reverse("admin:props_snapshot_change", args=[job.result["snapshot_pk"]]),
            f"Open snapshot {job.result['snapshot']}",
        )
    if job.kind == JobKind.IMPORT:
        return (reverse("admin:props_propmarket_changelist"), "Open the prop markets")
    if job.kind == JobKind.DELETE_SNAPSHOTS:
        return (reverse("admin:props_snapshot_changelist"), "Open the snapshots")
    return None

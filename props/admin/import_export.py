"""Import a feed file from the admin (upload -> preview -> confirm) and export the filtered
changelist as CSV. Same code path as the commands: `props.importers.run_import` parses and
writes, the `export_props` command's CSV writer writes (streamed, never held whole).

Confirming an import, and exporting more than a page of rows, are background jobs
(props.jobs): the request queues the work and redirects to the job's progress page.

Between preview and confirm the upload stays on the server, in ADMIN_IMPORT_DIR under a random
name; the page carries only a signed token naming it (with the options and the user), so the
session stays small and a token cannot be forged to read another file. Uploads older than
ADMIN_IMPORT_MAX_AGE are removed.
"""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from ..choices import League, Platform
from ..exporters import csv_pieces, export_rows
from ..importers import FORMATS, ImportFailed, run_import
from ..jobs.queue import queue_export, queue_import
from ..models import MAX_WEEK, Snapshot
from ..services import SnapshotLocked
from .jobs import progress_url

TOKEN_SALT = "props.admin.import"
# Kinds of rejection (field, reason) listed on the preview page; the rest are counted.
LISTED_REJECTIONS = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="Any format the import_props command reads.")
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Tell from the content")]
        + [(name, feed.description or name) for name, feed in FORMATS.items()],
    )
    snapshot = forms.ModelChoiceField(
        queryset=Snapshot.objects.unlocked(),
        required=False,
        empty_label="— the live board —",
        help_text="Import into an unlocked snapshot instead of the live board.",
    )
    new_snapshot = forms.SlugField(
        required=False,
        label="Or a new snapshot",
        help_text="Slug of a snapshot to create for this import (e.g. nfl-week-6-2024).",
    )
    platform = forms.ChoiceField(
        required=False,
        choices=[("", "From the file"), *Platform.choices],
        help_text="For feeds that do not name their platform.",
    )
    league = forms.ChoiceField(
        required=False,
        choices=[("", "Every league in the file"), *League.choices],
        help_text="Keep only this league's rows (other leagues are skipped and counted).",
    )
    week = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_WEEK, help_text="For feeds without weeks."
    )
    season = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    deactivate_missing = forms.BooleanField(
        required=False, help_text="Deactivate markets of the file's boards that it no longer lists."
    )
    skip_invalid = forms.BooleanField(
        required=False, help_text="Import the valid rows and list the rejected ones."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ADMIN_IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is larger than {settings.ADMIN_IMPORT_MAX_MB} MB; "
                "import it with the import_props command."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("snapshot") and cleaned.get("new_snapshot"):
            self.add_error("new_snapshot", "Choose an existing snapshot or a new one, not both.")
        slug = cleaned.get("new_snapshot")
        if slug and Snapshot.objects.filter(snapshot_id=slug).exists():
            self.add_error("new_snapshot", f"Snapshot '{slug}' already exists; choose it above.")
        return cleaned

    def import_options(self) -> dict:
        """run_import's keyword arguments (JSON-serialisable, for the signed token)."""
        data = self.cleaned_data
        return {
            "format": data["format"] or None,
            "snapshot": data["new_snapshot"]
            or (data["snapshot"].snapshot_id if data["snapshot"] else None),
            "create_snapshot": bool(data["new_snapshot"]),
            "platform": data["platform"] or None,
            "league": data["league"] or None,
            "week": data["week"],
            "season": data["season"],
            "deactivate_missing": data["deactivate_missing"],
            "skip_invalid": data["skip_invalid"],
        }


class ImportViews:
    """The upload page (which runs a dry run and shows its preview) and the confirmation."""

    template = "admin/props/propmarket/import.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def upload(self, request):
        self._check_permission(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            stored = store_upload(upload)
            options = form.import_options()
            token = signing.dumps(
                {
                    "file": stored,
                    "name": upload.name,
                    "options": options,
                    "user": str(request.user.pk),
                },
                salt=TOKEN_SALT,
            )
            if upload.size > settings.ADMIN_IMPORT_PREVIEW_MAX_MB * 1024 * 1024:
                return self._render(
                    request,
                    {
                        "too_large_to_preview": True,
                        "size_mb": upload.size / (1024 * 1024),
                        "preview_max_mb": settings.ADMIN_IMPORT_PREVIEW_MAX_MB,
                        "token": token,
                        "source_name": upload.name,
                    },
                )
            return self._preview(request, stored, upload.name, options, token)
        return self._render(request, {"form": form})

    def confirm(self, request):
        self._check_permission(request)
        if request.method != "POST":
            return HttpResponseRedirect(self._url("import"))
        try:
            signed = signing.loads(
                request.POST.get("token", ""),
                salt=TOKEN_SALT,
                max_age=settings.ADMIN_IMPORT_MAX_AGE,
            )
        except signing.BadSignature:
            return self._start_again(request, "This preview has expired; upload the file again.")
        path = upload_path(signed["file"])
        if signed["user"] != str(request.user.pk) or not path.exists():
            return self._start_again(request, "This preview has expired; upload the file again.")
        # The import itself runs in a worker; its progress page shows the counts when done.
        job = queue_import(
            user=request.user,
            upload=path,
            name=signed["name"],
            options=signed["options"],
            size=path.stat().st_size,
        )
        return HttpResponseRedirect(progress_url(job))

    def _preview(self, request, stored, name, options, token):
        try:
            report = run_import(
                str(upload_path(stored)),
                dry_run=True,
                user=request.user,
                source_name=name,
                **options,
            )
        except (SnapshotLocked, ImportFailed) as exc:
            upload_path(stored).unlink(missing_ok=True)
            return self._render(
                request,
                {
                    "error": _failure(exc),
                    "report": getattr(exc, "report", None),
                    "source_name": name,
                    "form": ImportUploadForm(initial=options_as_initial(options)),
                },
            )
        return self._render(
            request,
            {"report": report, "token": token, "source_name": name, "options": options},
        )

    def _render(self, request, context):
        report = context.get("report")
        if report is not None:
            groups = report.rejection_groups()
            context["rejected"] = groups[:LISTED_REJECTIONS]
            context["more_rejected"] = sum(group.count for group in groups[LISTED_REJECTIONS:])
        return TemplateResponse(
            request,
            self.template,
            {
                **self.model_admin.admin_site.each_context(request),
                "title": "Import prop markets",
                "opts": self.model_admin.opts,
                **context,
            },
        )

    def _start_again(self, request, message):
        self.model_admin.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(self._url("import"))

    def _check_permission(self, request):
        admin = self.model_admin
        if not (admin.has_add_permission(request) and admin.has_change_permission(request)):
            raise PermissionDenied

    def _url(self, name):
        opts = self.model_admin.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}")


class ExportView:
    """The changelist's current filters and search, as the CSV `export_props` writes."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def as_response(self, request):
        if not self.model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist = self.model_admin.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        page = changelist.list_per_page
        if queryset.order_by().values("pk")[: page + 1].count() > page:
            # More than a page: a worker writes the file; its progress page offers it.
            job = queue_export(user=request.user, query=request.GET.urlencode())
            return HttpResponseRedirect(progress_url(job))
        # Rows are read (server-side cursor, in chunks) only as the response is sent: the
        # request itself does no more than build the query.
        markets = export_rows(queryset.select_related(None))
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return StreamingHttpResponse(
            (piece.encode() for piece in csv_pieces(markets)),
            content_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="prop-markets-{stamp}.csv"',
                "Cache-Control": "no-store",
            },
        )


def _failure(exc) -> str:
    """Why an import failed, options named as this page's form fields."""
    report = getattr(exc, "report", None)
    if report is not None and report.missing_options:
        return report.missing_options_message(form=True)
    return str(exc)


def import_dir() -> Path:
    directory = Path(settings.ADMIN_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def upload_path(stored) -> Path:
    # Only names this module made (hex): a forged name cannot reach another file.
    if not isinstance(stored, str) or not stored.isalnum():
        raise signing.BadSignature("Not an upload name.")
    return import_dir() / f"{stored}.upload"


def store_upload(upload) -> str:
    """Keep an uploaded file for the confirmation; returns its stored name."""
    remove_stale_uploads()
    stored = secrets.token_hex(16)
    with upload_path(stored).open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return stored


def remove_stale_uploads():
    cutoff = time.time() - settings.ADMIN_IMPORT_MAX_AGE
    for path in import_dir().glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def options_as_initial(options) -> dict:
    """The upload form's initial values from run_import options (to retry after an error)."""
    snapshot = options.get("snapshot")
    initial = {key: value for key, value in options.items() if value is not None}
    initial["format"] = options.get("format") or ""
    if options.get("create_snapshot"):
        initial["new_snapshot"] = snapshot
        initial.pop("snapshot", None)
    elif snapshot:
        initial["snapshot"] = Snapshot.objects.filter(snapshot_id=snapshot).first()
    return initial

"""Snapshots in the admin: lock and unlock (with confirmation), capture the live board, and a
read-only page for a locked snapshot apart from unlocking it.

Locking, unlocking and capturing are the services' (`lock_snapshot`, `unlock_snapshot`,
`capture_snapshot`), which record who and when and invalidate the board cache. A capture, and
the delete of snapshots holding more than JOB_DELETE_SNAPSHOT_THRESHOLD markets, are background
jobs (props.jobs): the request queues them and redirects to the job's progress page.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..jobs.queue import queue_capture, queue_snapshot_delete
from ..models import PropMarket, Snapshot
from ..services import (
    SnapshotLocked,
    delete_snapshot,
    lock_snapshot,
    unlock_snapshot,
    update_snapshot,
)
from .base import BaseAdmin, selection_context
from .forms import CaptureBoardForm
from .jobs import progress_url
from .locking import lock_notice, refused_response

LOCK_COLUMNS = {"is_locked", "locked_at", "locked_by"}


@admin.register(Snapshot)
class SnapshotAdmin(BaseAdmin, SimpleHistoryAdmin):
    change_list_template = "admin/props/snapshot/change_list.html"
    change_form_template = "admin/props/snapshot/change_form.html"
    list_display = [
        "snapshot_id",
        "name",
        "league",
        "week",
        "season",
        "is_locked",
        "locked_by",
        "locked_at",
        "model_version",
        "created_at",
    ]
    list_filter = ["league", "is_locked", "season", "week"]
    search_fields = ["snapshot_id", "name"]
    date_hierarchy = "created_at"
    list_select_related = ["locked_by"]
    readonly_fields = ["lock_state", "locked_by", "locked_at", "markets", "created_at"]
    history_list_display = ["is_locked", "locked_by", "locked_at"]
    actions = ["lock_selected", "unlock_selected"]
    fieldsets = [
        (None, {"fields": ["snapshot_id", "name", "league", "week", "season", "game_date"]}),
        ("Lock", {"fields": ["lock_state", "locked_by", "locked_at"]}),
        ("Model", {"fields": ["model_version", "features_path", "config", "tags"]}),
        ("About", {"fields": ["description", "markets", "created_at"]}),
    ]

    @admin.display(description="Lock")
    def lock_state(self, snapshot):
        if snapshot.pk is None:
            return "Unlocked (lock it with the Lock action once it is final)."
        return lock_notice(snapshot) if snapshot.is_locked else "Unlocked: its markets can change."

    @admin.display(description="Prop markets")
    def markets(self, snapshot):
        if snapshot.pk is None:
            return "—"
        url = reverse("admin:props_propmarket_changelist")
        count = PropMarket.objects.filter(snapshot=snapshot).count()
        return format_html('<a href="{}?snapshot__id__exact={}">{}</a>', url, snapshot.pk, count)

    # --- what is editable ---------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def may_lock(self, request):
        """Locking is a change of the snapshot, allowed on locked ones (to unlock them)."""
        return super().has_change_permission(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_lock"] = obj is not None and self.may_lock(request)
        if obj is not None and obj.is_locked:
            context["lock_notice"] = lock_notice(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- writing ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {
            name: getattr(obj, name) for name in form.changed_data if name not in LOCK_COLUMNS
        }
        if changes:
            update_snapshot(snapshot=obj, user=request.user, **changes)

    def delete_model(self, request, obj):
        delete_snapshot(snapshot=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for snapshot in queryset.order_by("pk"):
                delete_snapshot(snapshot=snapshot, user=request.user)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Markets refer to their snapshot with SET NULL, so the collector does not list them;
        # they are deleted with it (left behind they would join the live board).
        pks = [snapshot.pk for snapshot in objs]
        markets = PropMarket.objects.filter(snapshot__in=pks).count()
        if markets:
            to_delete.append(f"Their {markets} prop markets (copies of the captured board)")
            model_count = {**dict(model_count), PropMarket._meta.verbose_name_plural: markets}
        return to_delete, model_count, perms_needed, protected

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Snapshot history is for reading: reverting would bypass the lock services."""
        if request.method == "POST":
            snapshot = self._locked_snapshot(object_id)
            if snapshot is not None:
                return refused_response(self, request, snapshot, "Revert", snapshot)
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- refused paths: the admin page with the lock notice, not a bare 403 -------------------

    def delete_view(self, request, object_id, extra_context=None):
        snapshot = self._locked_snapshot(object_id)
        if snapshot is not None:
            return refused_response(self, request, snapshot, "Delete", snapshot)
        if request.method == "POST":
            queued = self._queue_large_delete(
                request, Snapshot.objects.filter(pk=unquote(object_id))
            )
            if queued is not None:
                return queued
        return super().delete_view(request, object_id, extra_context)

    def _queue_large_delete(self, request, snapshots):
        """Snapshots holding more markets than JOB_DELETE_SNAPSHOT_THRESHOLD are deleted by a
        background job: the redirect to its progress page, or None to delete them now."""
        if not self.has_delete_permission(request):
            return None
        try:
            snapshots = list(snapshots.filter(is_locked=False))
        except ValidationError:  # not a UUID: Django's view answers as for any unknown id
            return None
        if not snapshots:
            return None
        threshold = settings.JOB_DELETE_SNAPSHOT_THRESHOLD
        markets = PropMarket.objects.filter(snapshot__in=snapshots).order_by()
        if markets.values("pk")[: threshold + 1].count() <= threshold:
            return None
        job = queue_snapshot_delete(user=request.user, snapshots=snapshots, markets=markets.count())
        return HttpResponseRedirect(progress_url(job))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            snapshot = self._locked_snapshot(object_id)
            if snapshot is not None:
                return refused_response(self, request, snapshot, "Change", snapshot)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _locked_snapshot(self, object_id):
        try:
            snapshot = (
                Snapshot.objects.select_related("locked_by").filter(pk=unquote(object_id)).first()
            )
        except ValidationError:  # not a UUID: Django's view answers as for any unknown id
            return None
        return snapshot if snapshot is not None and snapshot.is_locked else None

    def revert_disabled(self, request, obj=None):
        return True

    # --- actions ------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            # Same name (the confirmation page posts it back), but says why locked snapshots
            # cannot go.
            _, name, description = actions["delete_selected"]
            actions[name] = (type(self).delete_selected_snapshots, name, description)
        return actions

    @admin.action(description="Lock selected snapshots…", permissions=["change"])
    def lock_selected(self, request, queryset):
        return self._confirm_lock(request, queryset, lock=True)

    @admin.action(description="Unlock selected snapshots…", permissions=["change"])
    def unlock_selected(self, request, queryset):
        return self._confirm_lock(request, queryset, lock=False)

    def delete_selected_snapshots(self, request, queryset):
        locked = queryset.filter(is_locked=True).values_list("snapshot_id", flat=True).first()
        if locked:
            self.message_user(
                request, f"{SnapshotLocked(locked)} Nothing was deleted.", messages.ERROR
            )
            return None
        if request.POST.get("post"):  # confirmed
            queued = self._queue_large_delete(request, queryset)
            if queued is not None:
                return queued
        return delete_selected(self, request, queryset)

    def _confirm_lock(self, request, queryset, *, lock):
        if request.POST.get("confirm") == "yes":
            self._set_locks(request, list(queryset), lock=lock)
            return None
        return self._lock_confirmation(
            request,
            list(queryset.select_related("locked_by")),
            lock=lock,
            action="lock_selected" if lock else "unlock_selected",
        )

    def _set_locks(self, request, snapshots, *, lock):
        operation = lock_snapshot if lock else unlock_snapshot
        changed = [s.snapshot_id for s in snapshots if s.is_locked != lock]
        for snapshot in snapshots:
            operation(snapshot=snapshot, user=request.user)
        verb = "Locked" if lock else "Unlocked"
        if changed:
            self.message_user(request, f"{verb}: {', '.join(changed)}.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                f"Nothing to do: the selected snapshots were already {verb.lower()}.",
                messages.INFO,
            )

    def _lock_confirmation(self, request, snapshots, *, lock, action=None):
        return TemplateResponse(
            request,
            "admin/props/snapshot/lock_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Lock snapshots" if lock else "Unlock snapshots",
                "opts": self.opts,
                "snapshots": snapshots,
                "lock": lock,
                "action": action,
                **selection_context(request),
            },
        )

    # --- one snapshot's Lock / Unlock buttons and the capture page ------------------------------

    def lock_view(self, request, object_id, lock):
        snapshot = self.get_object(request, unquote(object_id))
        if snapshot is None:
            raise Http404("No such snapshot.")
        if not self.may_lock(request):
            raise PermissionDenied
        if request.method == "POST":
            self._set_locks(request, [snapshot], lock=lock)
            return HttpResponseRedirect(reverse("admin:props_snapshot_change", args=[snapshot.pk]))
        return self._lock_confirmation(request, [snapshot], lock=lock)

    def capture_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CaptureBoardForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            live = PropMarket.objects.live().for_week(league=data["league"], week=data["week"])
            if data["season"]:
                live = live.filter(season=data["season"])
            # The copy runs in a worker; its progress page says what was captured.
            job = queue_capture(
                user=request.user,
                markets=live.count(),
                slug=data["snapshot_id"],
                league=data["league"],
                week=data["week"],
                season=data["season"],
                lock=data["lock"],
                name=data["name"],
                description=data["description"],
                model_version=data["model_version"],
            )
            return HttpResponseRedirect(progress_url(job))
        return TemplateResponse(
            request,
            "admin/props/snapshot/capture.html",
            {
                **self.admin_site.each_context(request),
                "title": "Capture the live board into a snapshot",
                "opts": self.opts,
                "form": form,
            },
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("capture/", view(self.capture_view), name="props_snapshot_capture"),
            path(
                "<path:object_id>/lock/",
                view(self.lock_view),
                {"lock": True},
                name="props_snapshot_lock",
            ),
            path(
                "<path:object_id>/unlock/",
                view(self.lock_view),
                {"lock": False},
                name="props_snapshot_unlock",
            ),
            *super().get_urls(),
        ]

"""Feed sources (editable; enable/disable/poll now) and import runs (read-only: a list filtered by
status, source, platform and date, and a detail page)."""

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from betterbros.admin_read_only import ReadOnlyAdminMixin

from ..choices import Platform
from ..feeds import polling
from ..feeds.models import FeedSource, ImportRun
from .base import BaseAdmin


@admin.register(FeedSource)
class FeedSourceAdmin(BaseAdmin):
    list_display = (
        "name",
        "format",
        "platform",
        "league",
        "interval_seconds",
        "enabled",
        "state",
        "consecutive_failures",
        "last_polled_at",
        "next_poll_at",
    )
    list_filter = ("enabled", "format", "platform")
    search_fields = ("name", "url")
    readonly_fields = (
        "etag",
        "last_modified",
        "last_polled_at",
        "next_poll_at",
        "consecutive_failures",
        "flagged_at",
        "created_at",
    )
    actions = ("enable_sources", "disable_sources", "poll_now")
    # Said before staff type a name with spaces (the model's slug rule refuses it afterwards).
    help_texts = {
        "name": "A short name of letters, numbers, hyphens or underscores (e.g. prizepicks-nba); "
        "`manage.py feeds poll NAME` uses it."
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default, said now
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.help_texts:
            field.help_text = self.help_texts[db_field.name]
        return field

    @admin.display(description="State")
    def state(self, source):
        if source.is_flagged:
            return format_html('<strong style="color:#ba2121">flagged</strong>')
        return "enabled" if source.enabled else "disabled"

    @admin.action(description="Enable (clear the flag and the failure count)")
    def enable_sources(self, request, queryset):
        for source in queryset:
            polling.enable(source)
        self.message_user(request, f"{len(queryset)} source(s) enabled; due now.")

    @admin.action(description="Disable")
    def disable_sources(self, request, queryset):
        for source in queryset:
            polling.disable(source)
        self.message_user(request, f"{len(queryset)} source(s) disabled.")

    @admin.action(description="Poll now (queued for a worker)")
    def poll_now(self, request, queryset):
        from ..tasks.feeds import poll_source

        for source in queryset:
            poll_source.delay(source.pk)
        self.message_user(
            request,
            f"{len(queryset)} poll(s) queued; see Import runs for their outcome.",
            messages.SUCCESS,
        )


class PlatformFilter(admin.SimpleListFilter):
    title = "platform"
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        if self.value() in Platform.values:
            return queryset.filter(platforms__contains=f",{self.value()},")
        return queryset


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, BaseAdmin):
    list_display = (
        "id",
        "queued_at",
        "source_name",
        "source",
        "origin",
        "status",
        "created",
        "updated",
        "unchanged",
        "deactivated",
        "rejected",
        "skipped",
        "seconds",
        "rows_per_second",
        "user",
    )
    list_filter = ("status", "origin", "source", PlatformFilter, "queued_at")
    list_select_related = ("source", "user")
    date_hierarchy = "queued_at"
    search_fields = ("source_name", "error")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

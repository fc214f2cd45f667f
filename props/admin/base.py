"""What every props ModelAdmin shares: big-table paging (every row reachable), readable JSON,
domain errors as messages."""

from django.contrib import admin, messages
from django.db import IntegrityError, models
from django.http import HttpResponseRedirect

from betterbros.admin_paging import PagedAdminMixin
from betterbros.json_fields import ReadableJSONField

from ..services import DomainError, SnapshotLocked, lock_violation_slug

SITE_NAME = "BetterBros Props"
admin.site.site_header = SITE_NAME
admin.site.site_title = SITE_NAME
admin.site.index_title = "Back office"
# The app list beside every page took a quarter of a 1440 px screen from the market list's
# columns; the breadcrumbs and the index page lead to every list.
admin.site.enable_nav_sidebar = False


def refusal_message(exc) -> str | None:
    """The message for a write the rules refused, or None if `exc` is not such a refusal."""
    if isinstance(exc, DomainError):
        return str(exc)
    if isinstance(exc, IntegrityError):
        slug = lock_violation_slug(exc)
        if slug is not None:
            return str(SnapshotLocked(slug))
    return None


class BaseAdmin(PagedAdminMixin, admin.ModelAdmin):
    show_facets = admin.ShowFacets.NEVER

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            kwargs["form_class"] = ReadableJSONField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        return self._refusals_as_messages(request, super().changelist_view, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusals_as_messages(
            request, super().changeform_view, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusals_as_messages(request, super().delete_view, object_id, extra_context)

    def _refusals_as_messages(self, request, view, *args):
        """A write refused by the rules (e.g. a snapshot locked meanwhile) rolls back and comes
        back as an error message on the same page, never as a server error."""
        try:
            return view(request, *args)
        except (DomainError, IntegrityError) as exc:
            message = refusal_message(exc)
            if message is None:
                raise
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def selection_context(request):
    """What an intermediate action page posts back: the ticked ids and the select-all flag."""
    return {
        "select_across": request.POST.get("select_across", "0"),
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }

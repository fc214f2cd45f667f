"""The prop-market changelist's rows for a filter and search recorded with an export job, read
by a worker as the job's creator would see them in the admin (same filters, same search, same
permissions: one place for what a filter means)."""

from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from ..models import PropMarket


def changelist_queryset(job):
    from .runner import JobFailed

    user = job.created_by
    model_admin = admin.site.get_model_admin(PropMarket)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("admin:props_propmarket_changelist")
    request.GET = QueryDict(job.parameters.get("query", ""))
    request.META = {"SERVER_NAME": "worker", "SERVER_PORT": "80"}
    request.user = user
    request._messages = CookieStorage(request)  # the changelist's notices go nowhere
    if user is None or not user.is_active or not user.is_staff:
        raise JobFailed("The export's owner can no longer use the admin; nothing was exported.")
    if not model_admin.has_view_or_change_permission(request):
        raise JobFailed("The export's owner may no longer see prop markets; nothing was exported.")
    changelist = model_admin.get_changelist_instance(request)
    return changelist.get_queryset(request).select_related(None)

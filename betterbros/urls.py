"""Root URLs: the admin, the versioned API and the health checks."""

from django.contrib import admin
from django.urls import include, path

from betterbros import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("betterbros.api.urls")),
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
]

handler404 = "betterbros.error_views.page_not_found"
handler500 = "betterbros.error_views.server_error"

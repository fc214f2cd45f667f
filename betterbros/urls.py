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

handler500 = "betterbros.middleware.server_error"

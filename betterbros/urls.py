"""Root URLs: the admin, the versioned API and the health checks."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("betterbros.api.urls")),
]

"""Root URLs: the admin, the versioned API and the health checks."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]

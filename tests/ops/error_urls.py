"""A URLconf for the error-handling tests: the project's URLs plus views that fail."""

from django.db import OperationalError
from django.urls import path

from betterbros.urls import handler404, handler500
from betterbros.urls import urlpatterns as project_urlpatterns


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    *project_urlpatterns,
    path("ops-test/database-gone/", database_gone),
    path("api/ops-test/database-gone/", database_gone),
    path("api/ops-test/broken/", broken),
]

__all__ = ["handler404", "handler500", "urlpatterns"]

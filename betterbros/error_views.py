"""The root URLconf's error handlers: API paths answer in the API's error format.

A URL under `/api/` that matches no route (an id that is not a UUID, a misspelt resource) is a
JSON 404 `{"detail": "Not found."}` like the API's own, not Django's HTML page; a database
outage that escapes a view is a 503 (see `betterbros.middleware`), anything else Django's 500.
"""

import sys

from django.http import JsonResponse
from django.views import defaults

from .middleware import API_PREFIX, DATABASE_UNAVAILABLE, database_unavailable_response


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        # Imported here for the same reason as in the middleware: DRF's views import cycle.
        from rest_framework.exceptions import NotFound

        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)

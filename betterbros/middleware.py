"""An unreachable database answers 503 with a clear message, never a traceback.

The API's exception handler does this for DRF views (`betterbros.api.exceptions`); this
middleware does it for everything else (the admin, plain views), and
`betterbros.error_views.server_error` for a database error raised outside a view.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Service unavailable</title></head>
<body><h1>Service unavailable</h1><p>{message}</p></body></html>
"""


def database_unavailable_response(request):
    """503 with the API's message: JSON for API and JSON clients, a short page otherwise."""
    # Imported here: the API's exceptions import DRF's views, which load the authentication
    # classes, which may import the API's exceptions; at middleware loading that is a cycle.
    from .api.exceptions import ServiceUnavailable

    message = str(ServiceUnavailable.default_detail)
    wants_json = request.path.startswith(API_PREFIX) or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(PAGE.format(message=message), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database connection error raised by a view (or its template) into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning(
                "Database unavailable for %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable_response(request)
        return None

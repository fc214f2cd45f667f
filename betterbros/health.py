"""`/health/live/` and `/health/ready/`: what load balancers and orchestrators probe.

`live` answers without I/O: the process is up. `ready` checks PostgreSQL and Redis
(`betterbros.health_checks.check_all_connections`) and answers 200 when all are healthy, 503 when
any is not. Anyone gets healthy/unhealthy per check; staff callers, authenticated like the API
(token, JWT or session), also get each check's error and latency (hosts and error texts are
not for the public), and with `?verbose=1` the database's figures (server version, size, pool)
and the last `check_credits` run.
"""

from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.reconciliation import last_credits_check

from .health_checks import check_all_connections, get_db_info


@never_cache
@require_safe
def live(request):
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def ready(request):
    report = check_all_connections()
    healthy = report["status"] == "healthy"
    if not _is_staff_caller(request):
        report["checks"] = {
            name: {"healthy": check["healthy"]} for name, check in report["checks"].items()
        }
        return JsonResponse(report, status=200 if healthy else 503)
    # Flagged feed sources are for staff to see; they do not take the web app out of service.
    report["feed_sources"] = _feed_sources_detail()
    if healthy and request.GET.get("verbose") == "1":
        try:
            report["database_info"] = get_db_info()
        except DatabaseError as error:
            report["database_info"] = {"error": str(error)}
        report["credits_check"] = last_credits_check()
    return JsonResponse(report, status=200 if healthy else 503)


def _feed_sources_detail():
    from props.feeds.status import flagged_sources

    try:
        return {"flagged": flagged_sources()}
    except DatabaseError as error:
        return {"error": str(error)}


def _is_staff_caller(request):
    """Whether the request authenticates, as the API would, as a staff user."""
    authenticators = [cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    try:
        user = Request(request, authenticators=authenticators).user
    except (APIException, DatabaseError):
        return False
    return bool(user and user.is_authenticated and user.is_staff)

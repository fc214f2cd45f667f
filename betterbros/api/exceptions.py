"""The API's error format: 400 `{"field": ["message"]}`; other errors `{"detail": "…"}`.

Domain exceptions from the services become 409 (a tier limit 403), the lock trigger's refusal
(when something reaches the database without going through a service) too, a Django
ValidationError becomes a 400 with field errors, and a database that cannot be reached becomes
a 503 — never a 500.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from props.services import (
    DomainError,
    InvalidTransition,
    SnapshotLocked,
    TierLimitReached,
    lock_violation_slug,
)

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, limit):
        super().__init__(f"The request body is larger than the limit of {limit:,} bytes.")


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable; try again shortly."
    default_code = "service_unavailable"


def api_exception(exc):
    """The DRF exception a non-DRF exception stands for, or None."""
    if isinstance(exc, InvalidTransition):
        return exceptions.ValidationError({"status": [str(exc)]})
    if isinstance(exc, TierLimitReached):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, DomainError):
        return Conflict(str(exc))
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(detail)
    if isinstance(exc, IntegrityError):
        slug = lock_violation_slug(exc)
        if slug is not None:
            return Conflict(str(SnapshotLocked(slug)))
        return None
    if isinstance(exc, OperationalError):
        logger.warning("Database unavailable: %s", exc)
        return ServiceUnavailable()
    return None


def exception_handler(exc, context):
    translated = api_exception(exc)
    response = drf_exception_handler(translated or exc, context)
    if response is not None and response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = "5"
    return response

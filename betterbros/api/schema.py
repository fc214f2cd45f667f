"""OpenAPI pieces every resource shares: the error bodies (DESIGN.md §4) for `responses=`."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_DETAIL = inline_serializer(
    name="ErrorDetail", fields={"detail": serializers.CharField(help_text="What went wrong.")}
)
# 400: {"field": ["message", …]}, or {"detail": "…"} when the body is not JSON at all.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
    "example": {"legs": ["legs[0].line: required, a finite number of at least 0."]},
}

ERROR_DESCRIPTIONS = {
    400: "Invalid input: field errors, or a malformed body.",
    401: "Not authenticated, or the credentials were refused.",
    403: "Not allowed (staff only, or a tier limit).",
    404: "Not found, or not yours.",
    409: "Conflicts with the current state (e.g. already placed, snapshot locked).",
    429: "Too many requests for your tier; retry after the Retry-After header's seconds.",
}


def error_responses(*statuses) -> dict:
    """`{status: OpenApiResponse}` for the given error statuses, to merge into `responses=`."""
    responses = {}
    for code in statuses:
        body = VALIDATION_ERROR_SCHEMA if code == 400 else ERROR_DETAIL
        responses[code] = OpenApiResponse(response=body, description=ERROR_DESCRIPTIONS[code])
    return responses

"""The OpenAPI schema's shared parts: the error bodies of DESIGN.md §4 and an AutoSchema that
lists, on every operation, the error statuses the API's machinery can answer with.

Errors a view adds on its own (a tier limit's 403, a conflict's 409) are declared on the view
with `error_responses(...)`; the ones that follow from authentication, permissions, input,
lookup, throttling and the database are added here, so no operation forgets them.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAdminUser

from .permissions import ReadForUsersWriteForStaff

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
    404: "Not found, not yours, or no such page.",
    409: "Conflicts with the current state (e.g. already placed, snapshot locked; on a first "
    "sign-in with a bearer token, an email another account already has).",
    413: "The request body is larger than the limit (API_MAX_BODY_BYTES).",
    429: "Too many requests for your tier; retry after the Retry-After header's seconds.",
    503: "The database (or the sign-in provider's keys) cannot be reached; retry shortly.",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}


def error_response(code) -> OpenApiResponse:
    body = VALIDATION_ERROR_SCHEMA if code == 400 else ERROR_DETAIL
    return OpenApiResponse(response=body, description=ERROR_DESCRIPTIONS[code])


def error_responses(*codes) -> dict:
    """`{status: OpenApiResponse}` for errors a view answers on its own, for `responses=`."""
    return {code: error_response(code) for code in codes}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_statuses()):
            responses.setdefault(str(code), error_response(code))
        for code, response in responses.items():
            if isinstance(response, OpenApiResponse):
                responses[code] = self._get_response_for_code(response, code)
            elif code.isdigit() and int(code) in ERROR_DESCRIPTIONS and "content" not in response:
                # An error declared with a description only still has the standard body.
                generated = self._get_response_for_code(error_response(int(code)), code)
                response["content"] = generated["content"]
        return responses

    def error_statuses(self) -> set:
        statuses = {503}
        permissions = self.view.get_permissions()
        if not all(isinstance(permission, AllowAny) for permission in permissions):
            # 409: a bearer token whose new user would take another account's email.
            statuses.update({401, 409})
        if any(isinstance(permission, IsAdminUser) for permission in permissions) or (
            self.method not in SAFE_METHODS
            and any(isinstance(permission, ReadForUsersWriteForStaff) for permission in permissions)
        ):
            statuses.add(403)
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        has_query = self._get_filter_parameters() or any(
            getattr(parameter, "location", None) == "query"
            for parameter in self.get_override_parameters()
        )
        if has_body or has_query:
            statuses.add(400)
        if has_body:
            statuses.add(413)
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            statuses.add(404)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

"""Serializer behaviour every resource shares."""

from collections.abc import Mapping

from django.db import models
from rest_framework import serializers

from betterbros.json_validation import MAX_JSON_DEPTH

# Sent by the browsable API's HTML forms alongside the fields.
FORM_ONLY_KEYS = {"csrfmiddlewaretoken"}


class JSONValueField(serializers.JSONField):
    """A JSON field whose value may also come as text (an HTML form's field): text nested too
    deeply for Python's parser is a 400 like any other over-deep value, not a RecursionError.
    The limits themselves are the validators' (betterbros.json_validation.json_problem)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except RecursionError:
            raise serializers.ValidationError(
                f"Nested deeper than {MAX_JSON_DEPTH} levels.", code="too_deep"
            ) from None


def refuse_body_fields(request):
    """For actions that take no body (place, lock, unlock): any field sent is an unknown one,
    refused as StrictFieldsMixin refuses it."""
    data = request.data
    if isinstance(data, Mapping):
        errors = {key: ["Unknown field."] for key in data if key not in FORM_ONLY_KEYS}
        if errors:
            raise serializers.ValidationError(errors)


class StrictFieldsMixin:
    """Refuse input fields the serializer does not accept instead of ignoring them silently:
    read-only ones (owner, tier, credits, placement …) and unknown ones (typos)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.JSONField: JSONValueField,
    }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for key in data:
                if key in FORM_ONLY_KEYS:
                    continue
                field = self.fields.get(key)
                if field is None:
                    errors[key] = ["Unknown field."]
                elif field.read_only:
                    errors[key] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

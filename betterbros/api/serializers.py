"""Serializer behaviour every resource shares."""

from collections.abc import Mapping

from rest_framework import serializers

# Sent by the browsable API's HTML forms alongside the fields.
FORM_ONLY_KEYS = {"csrfmiddlewaretoken"}


class StrictFieldsMixin:
    """Refuse input fields the serializer does not accept instead of ignoring them silently:
    read-only ones (owner, tier, credits, placement …) and unknown ones (typos)."""

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

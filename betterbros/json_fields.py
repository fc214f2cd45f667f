"""The JSON column every app uses, and the admin's form field for it.

`ValidatedJSONField` runs its validators on `[]` and `{}` too and reads values stored deeper
than the stack allows; `ReadableJSONField` shows a value indented in the admin. The limits of
the values themselves are `betterbros.json_validation`'s.
"""

import json
import sys

from django import forms
from django.db import models
from django.forms.fields import InvalidJSONInput

from .json_validation import MAX_JSON_DEPTH

# Extra stack frames allowed while reading one stored JSON value that is too deep.
DEEP_VALUE_EXTRA_FRAMES = 5_000


class ValidatedJSONField(models.JSONField):
    """A JSONField whose validators also see `[]` and `{}`.

    Model.clean_fields skips the validators of a blank=True field whose value is "empty", and
    for JSONField `[]` and `{}` count as empty — so `[]` where an object belongs would pass
    full_clean (admin forms, services) and only be stopped by the database's CHECK. Only None
    and "" are empty here; an empty object is then checked (and accepted) by the validators.
    """

    empty_values = [None, ""]

    def from_db_value(self, value, expression, connection):
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            # A value stored deeper than the request's remaining stack allows (before the depth
            # limit existed, or by raw SQL) is read with more room, so that the admin can still
            # open the row and staff can replace it; validation then refuses it on save.
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(limit + DEEP_VALUE_EXTRA_FRAMES)
            try:
                return super().from_db_value(value, expression, connection)
            finally:
                sys.setrecursionlimit(limit)


class ReadableJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, one key per line. The shape rules are the
    model field's validators (ValidatedJSONField runs them on `[]` and `{}` too)."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "class": "vLargeTextField json-input"})

    # A value stored before the depth limit (MAX_JSON_DEPTH) may be too deep
    # for Python's json module: the page still opens, and saving asks for a valid value.
    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        try:
            return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)
        except RecursionError:
            return InvalidJSONInput(
                f"(nested deeper than {MAX_JSON_DEPTH} levels, too deep to show: replace it)"
            )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(
                f"Nested deeper than {MAX_JSON_DEPTH} levels.", code="invalid"
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except RecursionError:
            return True

"""The one boolean query parameter: true/false (also 1/0, yes/no), anything else a 400.

django-filter's BooleanFilter silently ignores a value it cannot read (`?is_active=maybe` would
list everything); every boolean parameter of the API uses this filter instead.
"""

import django_filters
from django import forms


class StrictBooleanField(forms.NullBooleanField):
    """true/false (also 1/0, yes/no); anything else is an error rather than no filter."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Use true or false."}
    ACCEPTED = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.ACCEPTED[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

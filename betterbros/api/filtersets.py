"""What every FilterSet shares: errors keyed by the query parameter, in plain sentences.

django-filter keys a range filter's errors by the filter (`line`, not `line_min`) and speaks in
form-field internals ("no more than 0 decimal places"). Here each filter's messages are written
from its parameter's name and what it takes — "week must be a whole number from 0 to 60." —
and set on the filter's form field, so every reader of the field says the same (the API's
FilterSets, the board's fast path, `export_props`); a range filter's errors are keyed by the
parameter that was wrong (`line_min`).
"""

from django import forms
from django_filters import FilterSet

# Codes of errors that mean "not what this parameter takes"; other messages (a FilterSet's own,
# e.g. the experiments' ordering) are already sentences and are kept.
VALUE_CODES = (
    "invalid",
    "invalid_choice",
    "invalid_list",
    "max_decimal_places",
    "max_digits",
    "max_whole_digits",
    "min_value",
    "max_value",
)


def expectation(field_class, options):
    """What a parameter of this form field class takes, as the end of a sentence."""
    if issubclass(field_class, forms.NullBooleanField):
        return "true or false"
    if issubclass(field_class, forms.ChoiceField):
        values = [str(value) for value, _ in options.get("choices") or () if value != ""]
        return f"one of {', '.join(values)}" if values else "a valid choice"
    if issubclass(field_class, (forms.DecimalField, forms.FloatField, forms.IntegerField)):
        # DecimalField and FloatField are IntegerFields in Django's class tree.
        fractional = issubclass(field_class, (forms.DecimalField, forms.FloatField))
        whole = not fractional or options.get("decimal_places") == 0
        noun = "a whole number" if whole else "a number"
        low, high = options.get("min_value"), options.get("max_value")
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        if low is not None:
            return f"{noun} of at least {low}"
        if high is not None:
            return f"{noun} of at most {high}"
        return noun
    if issubclass(field_class, forms.DateField):
        return "a date (YYYY-MM-DD)"
    if issubclass(field_class, forms.UUIDField):
        return "an id (UUID)"
    return None  # text: its validators' own messages say what is wrong


def plain_messages(name, field_class, options):
    """Field error_messages saying, for parameter `name`, what it takes."""
    expected = expectation(field_class, options)
    messages = {}
    if expected is not None:
        messages = dict.fromkeys(VALUE_CODES, f"{name} must be {expected}.")
    messages["null_characters_not_allowed"] = f"{name} may not contain NUL characters."
    if options.get("max_length") is not None:
        messages["max_length"] = f"{name} must be at most {options['max_length']} characters."
    if options.get("min_length") is not None:
        messages["min_length"] = f"{name} must be at least {options['min_length']} characters."
    return messages


def _field_options(field):
    return {
        name: getattr(field, name, None)
        for name in ("choices", "decimal_places", "min_value", "max_value")
    }


class ParameterFilterSet(FilterSet):
    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name, declared in filters.items():
            if getattr(declared.field_class, "widget", None) is not None and hasattr(
                declared.field_class.widget, "suffixes"
            ):
                continue  # a range: keyed and worded per parameter in `errors`
            messages = plain_messages(name, declared.field_class, declared.extra)
            declared.extra["error_messages"] = {
                **messages,
                **declared.extra.get("error_messages", {}),
            }
        return filters

    @property
    def errors(self):
        """{query parameter: [plain sentences]} (a dict, not the form's ErrorDict)."""
        errors = {}
        for name, messages in self.form.errors.items():
            field = self.form.fields.get(name)
            suffixes = getattr(getattr(field, "widget", None), "suffixes", None)
            if suffixes:
                errors.update(self._range_errors(name, field, suffixes))
            if not suffixes or not any(key.startswith(f"{name}_") for key in errors):
                errors.setdefault(name, list(messages))
        return errors

    def _range_errors(self, name, field, suffixes):
        errors = {}
        for subfield, suffix in zip(field.fields, suffixes, strict=True):
            parameter = f"{name}_{suffix}"
            try:
                subfield.clean(self.data.get(parameter))
            except forms.ValidationError:
                options = _field_options(subfield)
                sentence = plain_messages(parameter, type(subfield), options)["invalid"]
                errors[parameter] = [sentence]
        return errors

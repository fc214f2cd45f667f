"""The experiment FilterSet: status, league, week, risk mode, snapshot slug, any metric
(`?metric=roi&metric_gt=0.1`) and ordering by fields or metrics (`?ordering=-metric:roi`)."""

import re

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import F

from betterbros.api.filtersets import ParameterFilterSet

from ..choices import ExperimentStatus, League, RiskMode
from ..models import MAX_WEEK, Experiment
from ..querysets import metric

# A metric name is one JSON key: letters, digits and single underscores (a double underscore
# would reach into nested keys).
METRIC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$")
METRIC_NAME_MAX_LENGTH = 100
ORDERING_FIELDS = (
    "created_at",
    "timestamp",
    "week",
    "league",
    "status",
    "bankroll",
    "num_props",
    "num_slips",
    "name",
)
METRIC_ORDERING_PREFIX = "metric:"
MAX_ORDERING_TERMS = 5

ORDERING_HELP = (
    "Comma-separated sort keys, `-` for descending: "
    f"{', '.join(ORDERING_FIELDS)}, or `metric:<name>` for a metric "
    "(e.g. `-metric:roi`; experiments without that metric come last). Default `-created_at`."
)


def parse_ordering(value):
    """The sort keys of an `ordering` value as (descending, field or None, metric or None)."""
    terms = [term.strip() for term in value.split(",") if term.strip()]
    if not terms or len(terms) > MAX_ORDERING_TERMS:
        raise forms.ValidationError(f"Give 1 to {MAX_ORDERING_TERMS} sort keys.")
    keys = []
    for term in terms:
        descending, name = term.startswith("-"), term.lstrip("-")
        if name.startswith(METRIC_ORDERING_PREFIX):
            metric_name = name.removeprefix(METRIC_ORDERING_PREFIX)
            if not METRIC_NAME.match(metric_name) or len(metric_name) > METRIC_NAME_MAX_LENGTH:
                raise forms.ValidationError(f"{metric_name!r} is not a metric name.")
            keys.append((descending, None, metric_name))
        elif name in ORDERING_FIELDS:
            keys.append((descending, name, None))
        else:
            raise forms.ValidationError(
                f"Cannot order by {name!r}: use {', '.join(ORDERING_FIELDS)} or metric:<name>."
            )
    return keys


class ExperimentFilterForm(forms.Form):
    def clean_ordering(self):
        value = self.cleaned_data.get("ordering")
        return parse_ordering(value) if value else value

    def clean(self):
        cleaned = super().clean()
        for bound in ("metric_gt", "metric_lt"):
            if cleaned.get(bound) is not None and not cleaned.get("metric"):
                self.add_error(bound, "Name the metric too, e.g. ?metric=roi&metric_gt=0.1.")
        return cleaned


class ExperimentFilterSet(ParameterFilterSet):
    status = django_filters.ChoiceFilter(choices=ExperimentStatus.choices)
    league = django_filters.ChoiceFilter(choices=League.choices)
    week = django_filters.NumberFilter(min_value=0, max_value=MAX_WEEK, decimal_places=0)
    risk_mode = django_filters.ChoiceFilter(choices=RiskMode.choices)
    snapshot = django_filters.CharFilter(
        field_name="snapshot__snapshot_id",
        max_length=100,
        help_text="Snapshot slug (an unknown slug matches nothing).",
    )
    user = django_filters.UUIDFilter(
        field_name="user_id", help_text="Owner's id (useful to staff; users only see their own)."
    )
    metric = django_filters.CharFilter(
        method="filter_metric",
        max_length=METRIC_NAME_MAX_LENGTH,
        validators=[RegexValidator(METRIC_NAME, "Not a metric name, e.g. roi or win_rate.")],
        help_text="A metric name, e.g. roi: experiments that have it; with metric_gt / "
        "metric_lt, those whose value is above / below the bound.",
    )
    metric_gt = django_filters.NumberFilter(
        method="filter_metric", help_text="Lower bound (exclusive) of `metric`."
    )
    metric_lt = django_filters.NumberFilter(
        method="filter_metric", help_text="Upper bound (exclusive) of `metric`."
    )
    ordering = django_filters.CharFilter(method="order", max_length=500, help_text=ORDERING_HELP)

    class Meta:
        model = Experiment
        fields = []
        form = ExperimentFilterForm

    def filter_metric(self, queryset, name, value):
        # The three parameters act together; applied once, from the cleaned form.
        if name != "metric":
            return queryset
        metric_name = value
        queryset = queryset.filter(metrics__has_key=metric_name)
        lower = self.form.cleaned_data.get("metric_gt")
        upper = self.form.cleaned_data.get("metric_lt")
        if lower is not None or upper is not None:
            queryset = queryset.alias(_metric_value=metric(metric_name))
        if lower is not None:
            queryset = queryset.filter(_metric_value__gt=float(lower))
        if upper is not None:
            queryset = queryset.filter(_metric_value__lt=float(upper))
        return queryset

    def order(self, queryset, name, value):
        # `value` is the parsed sort keys (ExperimentFilterForm.clean_ordering).
        expressions = []
        for descending, field, metric_name in value:
            expression = F(field) if field else metric(metric_name)
            expressions.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        return queryset.order_by(*expressions, "-created_at", "id")

"""The movers' parameters (`GET /api/v1/prop-markets/movers/`), validated as every FilterSet's:
plain 400 messages keyed by parameter. The FilterSet validates and documents; the reading is
one SQL statement (props.movement.movers), not a QuerySet filter."""

import datetime

import django_filters
from django import forms
from django.utils import timezone

from betterbros.api.filtersets import ParameterFilterSet

from ..choices import League, Platform
from ..models import MAX_LINE, MAX_WEEK, PropMarket
from ..movement import MOVED_BY, MoverQuery
from .markets import BoundedTextFilter

DEFAULT_WINDOW = datetime.timedelta(hours=24)
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
# Far enough back for any board; a `since` earlier than this is refused (it would only make
# the query read the whole history).
EARLIEST_SINCE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class SinceField(forms.DateTimeField):
    default_error_messages = {
        "invalid": "since must be an ISO 8601 date-time, e.g. 2024-10-06T12:00:00Z.",
    }

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            parsed = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=datetime.UTC)
        if parsed < EARLIEST_SINCE:
            raise forms.ValidationError("since must be in 2000 or later.", code="invalid") from None
        return parsed


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = SinceField


class MoversFilterSet(ParameterFilterSet):
    # Required: movers read one board's recent versions (an index range); every board's since a
    # day is a hundred thousand versions at a million markets, seconds of work.
    league = django_filters.ChoiceFilter(
        choices=League.choices,
        required=True,
        help_text="NFL, NBA, MLB, NHL (required).",
        error_messages={"required": "league is required: movers read one league and week."},
    )
    week = django_filters.NumberFilter(
        min_value=0,
        max_value=MAX_WEEK,
        decimal_places=0,
        required=True,
        help_text="Week number (required).",
        error_messages={"required": "week is required: movers read one league and week."},
    )
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    market_type = BoundedTextFilter(help_text="Canonical market type, e.g. passing_yards.")
    since = SinceFilter(
        help_text="Moves after this ISO 8601 date-time (UTC when no offset is given); "
        "default: 24 hours ago."
    )
    min_change = django_filters.NumberFilter(
        min_value=0,
        max_value=MAX_LINE,
        help_text="Only markets whose absolute change is at least this (default 0).",
    )
    by = django_filters.ChoiceFilter(
        choices=[(name, name) for name in MOVED_BY],
        help_text="What moved: line (default) or odds (decimal).",
    )
    limit = django_filters.NumberFilter(
        min_value=1,
        max_value=MAX_LIMIT,
        decimal_places=0,
        help_text=f"Markets per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
    )
    offset = django_filters.NumberFilter(
        min_value=0, max_value=1_000_000, decimal_places=0, help_text="Markets to skip."
    )

    class Meta:
        model = PropMarket
        fields = []

    def get_form_class(self):
        # django-filters builds a new form class per FilterSet instance (~1 ms a request);
        # its fields are the same for every request, and each form deep-copies them.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def mover_query(self, now=None) -> MoverQuery:
        """The validated parameters as a MoverQuery (call after is_valid())."""
        data = self.form.cleaned_data
        week = data["week"]
        min_change = data.get("min_change")
        return MoverQuery(
            since=data.get("since") or (now or timezone.now()) - DEFAULT_WINDOW,
            by=data.get("by") or "line",
            league=data["league"],
            week=int(week),
            platform=data.get("platform") or None,
            market_type=data.get("market_type") or None,
            min_change=float(min_change) if min_change is not None else 0.0,
            limit=int(data.get("limit") or DEFAULT_LIMIT),
            offset=int(data.get("offset") or 0),
        )

"""The snapshot FilterSet (API list)."""

import django_filters

from betterbros.api.boolean_filters import StrictBooleanFilter
from betterbros.api.filtersets import ParameterFilterSet

from ..choices import League
from ..models import MAX_WEEK, Snapshot


class SnapshotFilterSet(ParameterFilterSet):
    league = django_filters.ChoiceFilter(choices=League.choices)
    week = django_filters.NumberFilter(min_value=0, max_value=MAX_WEEK, decimal_places=0)
    season = django_filters.NumberFilter(min_value=1900, max_value=2100, decimal_places=0)
    is_locked = StrictBooleanFilter()

    class Meta:
        model = Snapshot
        fields = []

"""The saved-slip FilterSet: snapshot slug, platform, placed or not, EV range; ordering."""

import django_filters

from betterbros.api.boolean_filters import StrictBooleanFilter
from betterbros.api.filtersets import ParameterFilterSet

from ..choices import Platform
from ..models import SavedSlip


class SavedSlipFilterSet(ParameterFilterSet):
    snapshot = django_filters.CharFilter(
        field_name="snapshot__snapshot_id",
        max_length=100,
        help_text="Snapshot slug (an unknown slug matches nothing).",
    )
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    is_placed = StrictBooleanFilter(help_text="true: placed slips only; false: not yet placed.")
    ev = django_filters.RangeFilter(help_text="Expected value range: ev_min / ev_max (inclusive).")
    user = django_filters.UUIDFilter(
        field_name="user_id", help_text="Owner's id (useful to staff; users only see their own)."
    )
    ordering = django_filters.OrderingFilter(
        fields=["created_at", "ev", "stake", "placed_at", "name"],
        help_text="Sort key, `-` for descending: created_at, ev, stake, placed_at, name. "
        "Default `-created_at`.",
    )

    class Meta:
        model = SavedSlip
        fields = []

"""The prop-market FilterSet: the API's list and compare endpoints and `export_props` use it.

Every filter here can use an index at scale (migration 0003 adds the ones the seed lacks;
tests/api/test_prop_market_index_use.py proves it with EXPLAIN on 200k rows).
"""

import django_filters
from django.db.models import Subquery
from django.db.models.functions import Lower

from betterbros.api.boolean_filters import StrictBooleanFilter
from betterbros.api.filtersets import ParameterFilterSet

from ..choices import League, Platform, Sport
from ..models import MAX_WEEK, PropMarket, Snapshot
from ..search import MIN_SEARCH_LENGTH, filter_player_name

MAX_TEXT_FILTER_LENGTH = 255


class BoundedTextFilter(django_filters.CharFilter):
    """Exact text match; text longer than any stored value is a 400 (so is NUL, as in every
    Django CharField)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_FILTER_LENGTH)
        super().__init__(*args, **kwargs)


class PropMarketFilterSet(ParameterFilterSet):
    league = django_filters.ChoiceFilter(choices=League.choices, help_text="NFL, NBA, MLB, NHL.")
    sport = django_filters.ChoiceFilter(choices=Sport.choices)
    week = django_filters.NumberFilter(
        min_value=0, max_value=MAX_WEEK, decimal_places=0, help_text="Week number."
    )
    season = django_filters.NumberFilter(
        min_value=1900, max_value=2100, decimal_places=0, help_text="Season year, e.g. 2024."
    )
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    market_type = BoundedTextFilter(help_text="Canonical market type, e.g. passing_yards.")
    stat_category = BoundedTextFilter(help_text="Stat category, e.g. passing.")
    team = BoundedTextFilter(help_text="Team abbreviation, e.g. KC.")
    player = BoundedTextFilter(
        method="filter_player", help_text="Player name, case-insensitive exact match."
    )
    player_search = BoundedTextFilter(
        method="filter_player_search",
        min_length=MIN_SEARCH_LENGTH,
        help_text="Part of a player's name (3+ characters; any case, accents ignored), e.g. mahom.",
    )
    is_active = StrictBooleanFilter(help_text="true: only active markets.")
    snapshot = django_filters.CharFilter(
        method="filter_snapshot",
        max_length=100,
        help_text="Snapshot slug: that snapshot's markets (an unknown slug matches nothing).",
    )
    live = StrictBooleanFilter(
        field_name="snapshot",
        lookup_expr="isnull",
        help_text="true: the live board only (markets in no snapshot); false: snapshot markets.",
    )
    game_date = django_filters.DateFromToRangeFilter(
        help_text="Game date range: game_date_after / game_date_before (YYYY-MM-DD, UTC days, "
        "inclusive)."
    )
    line = django_filters.RangeFilter(help_text="Line range: line_min / line_max (inclusive).")

    class Meta:
        model = PropMarket
        fields = []

    def get_form_class(self):
        # The form's fields depend only on the filters' declarations, never on the request, so
        # the class is built once rather than per request (the list is the hottest path).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_snapshot(self, queryset, name, value):
        # A scalar subquery rather than a join, so PostgreSQL looks the slug up once and then
        # reads the snapshot's markets through the snapshot_id index.
        slug_pk = Snapshot.objects.filter(snapshot_id=value).values("pk")
        return queryset.filter(snapshot=Subquery(slug_pk))

    def filter_player_search(self, queryset, name, value):
        # The trigram index over props_search_key(player_name) (migration 0007).
        return filter_player_name(queryset, value)

    def filter_player(self, queryset, name, value):
        # Lower() on both sides matches the functional index prop_markets_player_lower_idx.
        return queryset.alias(player_lower=Lower("player_name")).filter(player_lower=value.lower())

"""The edges' parameters (`GET /api/v1/prop-markets/edges/`), validated as every FilterSet's:
plain 400 messages keyed by parameter. The FilterSet validates and documents; the reading is
one query plus arithmetic (props.edges.edges), not a QuerySet filter.

`league` and `week` are required: a consensus is a week's, and the whole board at once would be
long work inside a request."""

import django_filters

from ..choices import League, Platform
from ..edges import DEFAULT_BREAK_EVEN, EdgeQuery
from ..fair_odds import DEFAULT_METHOD, METHODS
from ..models import MAX_WEEK, PropMarket
from .markets import BoundedTextFilter, ParameterFilterSet

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_BOOKS = 50


class EdgesFilterSet(ParameterFilterSet):
    league = django_filters.ChoiceFilter(
        choices=League.choices,
        required=True,
        error_messages={"required": "league is required."},
        help_text="Required: NFL, NBA, MLB, NHL.",
    )
    week = django_filters.NumberFilter(
        min_value=0,
        max_value=MAX_WEEK,
        decimal_places=0,
        required=True,
        error_messages={"required": "week is required."},
        help_text="Required: week number.",
    )
    season = django_filters.NumberFilter(
        min_value=1900, max_value=2100, decimal_places=0, help_text="Season year, e.g. 2024."
    )
    platform = django_filters.ChoiceFilter(
        choices=Platform.choices,
        help_text="Only this platform's rows: a pick'em app's edges and compare lines, or a "
        "sportsbook's offers (the consensus always uses every book).",
    )
    market_type = BoundedTextFilter(help_text="Canonical market type, e.g. passing_yards.")
    player = BoundedTextFilter(help_text="Player name, case-insensitive exact match.")
    method = django_filters.ChoiceFilter(
        choices=[(name, name) for name in METHODS],
        help_text=f"How each book's margin is removed (default {DEFAULT_METHOD}).",
    )
    break_even = django_filters.NumberFilter(
        min_value=0.01,
        max_value=0.99,
        help_text="Break-even probability of a pick'em leg (default 1/√3 ≈ 0.5774: a 2-pick "
        "power play paying 3x); an Underdog option's payout multiplier m divides it by m.",
    )
    min_edge = django_filters.NumberFilter(
        min_value=-1,
        max_value=1,
        help_text="Only edges (and sportsbook EVs) of at least this, e.g. 0.02.",
    )
    min_books = django_filters.NumberFilter(
        min_value=1,
        max_value=MAX_BOOKS,
        decimal_places=0,
        help_text="Only consensus lines posted by at least this many books (default 1).",
    )
    limit = django_filters.NumberFilter(
        min_value=1,
        max_value=MAX_LIMIT,
        decimal_places=0,
        help_text=f"Rows per list (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
    )
    offset = django_filters.NumberFilter(
        min_value=0, max_value=1_000_000, decimal_places=0, help_text="Rows to skip in each list."
    )

    class Meta:
        model = PropMarket
        fields = []

    def edge_query(self) -> EdgeQuery:
        """The validated parameters as an EdgeQuery (call after is_valid())."""
        data = self.form.cleaned_data

        def number(name, default, kind=float):
            value = data.get(name)
            return kind(value) if value is not None else default

        return EdgeQuery(
            league=data["league"],
            week=int(data["week"]),
            season=number("season", None, int),
            platform=data.get("platform") or None,
            market_type=data.get("market_type") or None,
            player=data.get("player") or None,
            method=data.get("method") or DEFAULT_METHOD,
            break_even=number("break_even", DEFAULT_BREAK_EVEN),
            min_edge=number("min_edge", None),
            min_books=number("min_books", 1, int),
            limit=number("limit", DEFAULT_LIMIT, int),
            offset=number("offset", 0, int),
        )

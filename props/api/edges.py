"""`GET /api/v1/prop-markets/edges/`: where a pick'em line is worth taking against the books.

For one league+week: pick'em edges (fair probability of the better side - the leg's break-even),
every sportsbook side's expected value against the consensus, and pick'em lines no book posts
(`compare`). Computed by props.edges (one query plus arithmetic), cached under the board
version like the list. Who may read it is who may read the board (any signed-in user).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView

from betterbros.api.permissions import ReadForUsersWriteForStaff

from ..edges import edges
from ..fair_odds import METHODS
from ..filtersets.edges import DEFAULT_LIMIT, EdgesFilterSet
from ..models import PropMarket
from .board_cache import cached_json
from .markets import board_of, cache_filling_database

BAD_REQUEST = OpenApiResponse(description="Invalid parameters (errors keyed by parameter).")
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag in If-None-Match.")
SIDE = serializers.ChoiceField(choices=["over", "under"])


class MarketFieldsSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The market.")
    platform = serializers.CharField()
    player_name = serializers.CharField()
    team = serializers.CharField()
    league = serializers.CharField()
    season = serializers.IntegerField(allow_null=True)
    week = serializers.IntegerField()
    market_type = serializers.CharField(help_text="Canonical market type.")
    line = serializers.FloatField()
    odds_type = serializers.CharField(
        allow_null=True, help_text="PrizePicks' kind of line (standard, demon, goblin), if any."
    )


class BookSerializer(serializers.Serializer):
    platform = serializers.CharField(help_text="The sportsbook.")
    over_price = serializers.FloatField(help_text="Its Over price (decimal odds).")
    under_price = serializers.FloatField(help_text="Its Under price (decimal odds).")
    fair_over = serializers.FloatField(help_text="Its Over's fair probability (margin removed).")


class ConsensusSerializer(serializers.Serializer):
    fair_over = serializers.FloatField(help_text="Mean fair probability of the Over.")
    fair_under = serializers.FloatField(help_text="1 - fair_over.")
    book_count = serializers.IntegerField(help_text="Book markets behind the mean.")
    books = BookSerializer(many=True)


class BookLineSerializer(ConsensusSerializer):
    line = serializers.FloatField(help_text="A line the books post for this player and market.")


class EdgeSerializer(MarketFieldsSerializer):
    side = SIDE
    fair_probability = serializers.FloatField(help_text="Consensus fair probability of `side`.")
    break_even = serializers.FloatField(
        help_text="The leg's break-even probability: `break_even` / payout_multiplier."
    )
    payout_multiplier = serializers.FloatField(
        help_text="The option's payout multiplier from the feed (Underdog), else 1."
    )
    edge = serializers.FloatField(help_text="fair_probability - break_even.")
    books = serializers.ListField(child=serializers.CharField(), help_text="Books behind it.")
    consensus = ConsensusSerializer()


class SportsbookOfferSerializer(MarketFieldsSerializer):
    side = SIDE
    price = serializers.FloatField(help_text="The book's decimal price of `side`.")
    book_fair_probability = serializers.FloatField(
        help_text="This book's own fair probability of `side`."
    )
    fair_probability = serializers.FloatField(help_text="Consensus fair probability of `side`.")
    ev = serializers.FloatField(help_text="fair_probability x price - 1, per unit staked.")
    books = serializers.ListField(child=serializers.CharField())


class CompareSerializer(MarketFieldsSerializer):
    book_lines = BookLineSerializer(
        many=True, help_text="The books' lines for this player and market (no edge is given)."
    )


class CountsSerializer(serializers.Serializer):
    results = serializers.IntegerField()
    offers = serializers.IntegerField()
    compare = serializers.IntegerField()


class EdgesSerializer(serializers.Serializer):
    league = serializers.CharField()
    week = serializers.IntegerField()
    method = serializers.ChoiceField(choices=list(METHODS))
    break_even = serializers.FloatField(help_text="The entry break-even used.")
    counts = CountsSerializer(help_text="Rows in each list before limit/offset.")
    results = EdgeSerializer(many=True, help_text="Pick'em edges, best first.")
    offers = SportsbookOfferSerializer(many=True, help_text="Sportsbook sides by EV, best first.")
    compare = CompareSerializer(many=True, help_text="Pick'em lines no book posts.")


class EdgesView(GenericAPIView):
    permission_classes = [ReadForUsersWriteForStaff]
    queryset = PropMarket.objects.none()
    serializer_class = EdgesSerializer
    filterset_class = EdgesFilterSet
    pagination_class = None

    @extend_schema(
        summary="Edges: pick'em lines against the sportsbooks' fair (no-vig) consensus",
        description="For a league+week of the live board: each pick'em market at a line the "
        "books post, its better side's consensus fair probability, the leg's break-even and "
        "`edge = fair - break_even` (best first); each sportsbook side's "
        "`ev = fair x price - 1` against the consensus; pick'em lines no book posts under "
        f"`compare`. `limit` (default {DEFAULT_LIMIT}) and `offset` apply to each list. "
        "Formulas: docs/analytics.md. Cached under the board version like the list.",
        filters=True,
        responses={200: EdgesSerializer, 304: NOT_MODIFIED, 400: BAD_REQUEST},
    )
    def get(self, request):
        def build():
            filterset = EdgesFilterSet(request.query_params, queryset=self.queryset)
            if not filterset.is_valid():
                raise ValidationError(filterset.errors)
            # Built on the primary, as the cached board list is (a lagging replica would cache
            # old lines under the new version).
            return edges(filterset.edge_query(), using=cache_filling_database())

        return cached_json(request, scope="edges", board=board_of(request), build=build)

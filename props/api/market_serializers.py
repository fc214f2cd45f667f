"""Prop-market input validation and the documented shapes of the market, compare and diff
responses. Reads are shaped by `props.selectors` (no per-row serializer on the hot path); these
serializers describe the same keys for the schema and validate writes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from betterbros.api.serializers import StrictFieldsMixin

from ..models import PropMarket, Snapshot
from ..odds import InvalidOdds, decimal_odds, parse_typed_odds
from ..selectors import MARKET_KEYS
from ..validators import validate_finite


class TypedOddsField(serializers.FloatField):
    """`odds` as a person gives them (props.odds.parse_typed_odds): "+150" is American, -110
    too, 2.5 and 150.0 decimal; a whole number of 100 or more (150) is refused as ambiguous."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            return parse_typed_odds(data)
        except InvalidOdds as exc:
            raise serializers.ValidationError(str(exc)) from None


class PropMarketSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    snapshot = serializers.SlugRelatedField(
        slug_field="snapshot_id",
        queryset=Snapshot.objects.all(),
        allow_null=True,
        required=False,
        help_text="Snapshot slug; null is the live board.",
    )
    odds = TypedOddsField(
        allow_null=True,
        required=False,
        help_text="Decimal odds (> 1.0). On input, American odds with their sign are converted "
        '("+150" -> 2.5, -110 -> 1.9091); a whole number of 100 or more without a sign (150) '
        'is refused as ambiguous (send 150.0 or "+150"); values in (-100, 1.0] are refused.',
    )
    american_odds = serializers.FloatField(
        write_only=True,
        allow_null=True,
        required=False,
        help_text="American odds (+150 or -110), converted to decimal odds; instead of `odds`.",
    )

    class Meta:
        model = PropMarket
        fields = [*MARKET_KEYS, "american_odds"]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The natural key is checked by the service (the model's constraints, with a message).
        validators = []

    def validate_line(self, value):
        return self._finite(value)

    def validate(self, attrs):
        if "odds" in attrs or "american_odds" in attrs:
            american = attrs.pop("american_odds", None)
            try:
                attrs["odds"] = decimal_odds(odds=attrs.get("odds"), american_odds=american)
            except InvalidOdds as exc:
                raise serializers.ValidationError({exc.field: [str(exc)]}) from None
        return attrs

    @staticmethod
    def _finite(value):
        try:
            validate_finite(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


class OfferSerializer(serializers.Serializer):
    platform = serializers.CharField()
    line = serializers.FloatField()
    odds = serializers.FloatField(allow_null=True)
    id = serializers.UUIDField()


class LineShoppingGroupSerializer(serializers.Serializer):
    league = serializers.CharField()
    season = serializers.IntegerField(allow_null=True)
    week = serializers.IntegerField()
    player_name = serializers.CharField()
    market_type = serializers.CharField()
    platforms = serializers.IntegerField(help_text="How many platforms offer this market.")
    min_line = serializers.FloatField()
    max_line = serializers.FloatField()
    spread = serializers.FloatField(help_text="max_line - min_line.")
    best_odds = serializers.FloatField(allow_null=True, help_text="Highest decimal odds offered.")
    offers = OfferSerializer(many=True, help_text="Every platform's line, lowest first.")


class LineShoppingPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = LineShoppingGroupSerializer(many=True)


class DiffSideSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    line = serializers.FloatField()
    odds = serializers.FloatField(allow_null=True)


class DiffMarketSerializer(DiffSideSerializer):
    platform = serializers.CharField()
    player_name = serializers.CharField()
    market_type = serializers.CharField()


class DiffMoveSerializer(serializers.Serializer):
    platform = serializers.CharField()
    player_name = serializers.CharField()
    market_type = serializers.CharField()
    old = DiffSideSerializer()
    new = DiffSideSerializer()
    line_change = serializers.FloatField(help_text="new line - old line.")


class SnapshotDiffSerializer(serializers.Serializer):
    snapshot = serializers.CharField(help_text="The newer board (the path's snapshot).")
    against = serializers.CharField(help_text="The older board it is compared with.")
    added = DiffMarketSerializer(many=True)
    removed = DiffMarketSerializer(many=True)
    moved = DiffMoveSerializer(many=True)

"""`/api/v1/saved-slips/`: a user's saved parlays. Owners come from the request; another
user's slip is 404; staff reach all. Creating goes through `create_saved_slip` (the free-tier
cap), placing through `place_slip` (once)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from betterbros.api.schema import error_responses
from betterbros.api.serializers import StrictFieldsMixin, refuse_body_fields
from betterbros.api.viewsets import OwnedModelViewSet

from ..filtersets.slips import SavedSlipFilterSet
from ..models import SavedSlip
from ..services import create_saved_slip, place_slip
from ..validators import MAX_STRING_LENGTH, validate_correlations
from .experiments import SnapshotSlugField
from .json_fields import CorrelationsField, LegsField, TagsField


class SavedSlipSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    snapshot = SnapshotSlugField()
    legs = LegsField()
    correlations = CorrelationsField()
    tags = TagsField()

    class Meta:
        model = SavedSlip
        fields = [
            "id",
            "user",
            "snapshot",
            "name",
            "notes",
            "legs",
            "correlations",
            "ev",
            "variance",
            "var_95",
            "stake",
            "platform",
            "tags",
            "is_placed",
            "placed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "user", "is_placed", "placed_at", "created_at", "updated_at"]
        extra_kwargs = {"notes": {"max_length": MAX_STRING_LENGTH}}

    def validate(self, attrs):
        legs = attrs.get("legs", getattr(self.instance, "legs", None))
        correlations = attrs.get("correlations", getattr(self.instance, "correlations", None))
        try:
            validate_correlations(correlations, len(legs or []))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"correlations": exc.messages}) from None
        return attrs

    def create(self, validated_data):
        return create_saved_slip(**validated_data)


@extend_schema_view(
    list=extend_schema(summary="Your saved slips (staff: everyone's)"),
    create=extend_schema(
        description="A free-tier account keeps at most FREE_TIER_MAX_SAVED_SLIPS slips; "
        "beyond that the answer is 403.",
        responses={201: SavedSlipSerializer, **error_responses(403)},
    ),
)
class SavedSlipViewSet(OwnedModelViewSet):
    """A user's saved slips; staff see everyone's."""

    model = SavedSlip
    serializer_class = SavedSlipSerializer
    filterset_class = SavedSlipFilterSet

    def with_related(self, queryset):
        return queryset.select_related("snapshot")

    @extend_schema(
        summary="Mark the slip placed (once)",
        request=None,
        responses={200: SavedSlipSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        slip = self.get_object()
        refuse_body_fields(request)
        slip = place_slip(slip=slip)
        return Response(self.get_serializer(slip).data)

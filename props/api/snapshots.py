"""`/api/v1/snapshots/`: frozen boards, looked up by their slug. Read for every signed-in user;
create (capture of the live board), change, delete, lock and unlock for staff, all through
`props.services` — a write to a locked snapshot is a 409 naming it."""

import re

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from betterbros.api.pagination import StandardPagination
from betterbros.api.permissions import ReadForUsersWriteForStaff
from betterbros.api.serializers import StrictFieldsMixin, refuse_body_fields

from .. import services
from ..filtersets.snapshots import SnapshotFilterSet
from ..models import PropMarket, Snapshot
from ..selectors import snapshot_diff
from .market_serializers import SnapshotDiffSerializer

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
LOCKED = OpenApiResponse(description="The snapshot is locked (the message names it).")
# Fixed once a snapshot exists: its markets were captured for this league/week/season, and the
# slug is how everything refers to it.
FIXED_AFTER_CREATE = ("snapshot_id", "league", "week", "season")


class SnapshotSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    locked_by = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="Who locked it (email)."
    )
    market_count = serializers.IntegerField(
        read_only=True, help_text="How many prop markets the snapshot holds."
    )

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "snapshot_id",
            "league",
            "week",
            "season",
            "game_date",
            "name",
            "description",
            "config",
            "features_path",
            "model_version",
            "tags",
            "is_locked",
            "locked_at",
            "locked_by",
            "market_count",
            "created_at",
        ]
        read_only_fields = ["id", "is_locked", "locked_at", "locked_by", "created_at"]

    def validate(self, attrs):
        if self.instance is not None:
            fixed = sorted(
                name
                for name in FIXED_AFTER_CREATE
                if name in attrs and attrs[name] != getattr(self.instance, name)
            )
            if fixed:
                raise ValidationError(
                    {name: ["Fixed once the snapshot is captured."] for name in fixed}
                )
        return attrs


class SnapshotViewSet(viewsets.ModelViewSet):
    """Snapshots: `POST` captures the live board of its league/week into a new snapshot."""

    serializer_class = SnapshotSerializer
    permission_classes = [ReadForUsersWriteForStaff]
    pagination_class = StandardPagination
    filterset_class = SnapshotFilterSet
    lookup_field = "snapshot_id"
    lookup_value_regex = SLUG.pattern

    def get_queryset(self):
        # A correlated count per snapshot of the page (an index-only scan of its markets),
        # rather than a join of every snapshot's markets grouped for the whole table.
        markets = (
            PropMarket.objects.filter(snapshot=OuterRef("pk"))
            .order_by()
            .values("snapshot")
            .annotate(n=Count("*"))
            .values("n")
        )
        return Snapshot.objects.select_related("locked_by").annotate(
            market_count=Coalesce(Subquery(markets), 0)
        )

    @extend_schema(
        summary="Capture the live board of a league/week into a new snapshot (staff)",
        responses={201: SnapshotSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        snapshot = services.capture_snapshot(
            slug=fields.pop("snapshot_id"),
            league=fields.pop("league"),
            week=fields.pop("week"),
            season=fields.pop("season", None),
            user=request.user,
            **fields,
        )
        return Response(self._fresh(snapshot), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SnapshotSerializer, 409: LOCKED})
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        snapshot = self.get_object()
        serializer = self.get_serializer(snapshot, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.update_snapshot(snapshot=snapshot, user=request.user, **serializer.validated_data)
        return Response(self._fresh(snapshot))

    @extend_schema(responses={200: SnapshotSerializer, 409: LOCKED})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        summary="Delete a snapshot and its prop markets (staff)", responses={204: None, 409: LOCKED}
    )
    def destroy(self, request, *args, **kwargs):
        services.delete_snapshot(snapshot=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Lock the snapshot (staff; idempotent; records who and when)",
        request=None,
        responses={200: SnapshotSerializer},
    )
    @action(detail=True, methods=["post"])
    def lock(self, request, snapshot_id=None):
        snapshot = self.get_object()
        refuse_body_fields(request)
        snapshot = services.lock_snapshot(snapshot=snapshot, user=request.user)
        return Response(self._fresh(snapshot))

    @extend_schema(
        summary="Unlock the snapshot (staff; idempotent)",
        request=None,
        responses={200: SnapshotSerializer},
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request, snapshot_id=None):
        snapshot = self.get_object()
        refuse_body_fields(request)
        snapshot = services.unlock_snapshot(snapshot=snapshot, user=request.user)
        return Response(self._fresh(snapshot))

    @extend_schema(
        summary="What changed between two snapshots",
        description="Active markets matched by platform + player + market type: `added` (only "
        "in this snapshot), `removed` (only in `against`), `moved` (line or odds changed, "
        "old -> new).",
        parameters=[
            OpenApiParameter(
                "against",
                OpenApiTypes.STR,
                required=True,
                description="Slug of the older snapshot to compare with.",
            )
        ],
        filters=False,
        responses={200: SnapshotDiffSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def diff(self, request, snapshot_id=None):
        snapshot = self.get_object()
        slug = request.query_params.get("against", "")
        if not SLUG.fullmatch(slug):
            raise ValidationError({"against": ["Give the slug of the snapshot to compare with."]})
        against = Snapshot.objects.filter(snapshot_id=slug).first()
        if against is None:
            raise ValidationError({"against": [f"No snapshot {slug!r}."]})
        changes = snapshot_diff(snapshot, against)
        return Response({"snapshot": snapshot.snapshot_id, "against": slug, **changes})

    def _fresh(self, snapshot):
        return self.get_serializer(self.get_queryset().get(pk=snapshot.pk)).data

"""`/api/v1/experiments/`: a user's backtests. Owners come from the request; another user's
experiment is 404; staff reach all. Status changes go through `transition_experiment`
(draft → running → completed | failed)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from betterbros.api.serializers import StrictFieldsMixin
from betterbros.api.viewsets import OwnedModelViewSet

from ..choices import ExperimentStatus
from ..filtersets.experiments import ExperimentFilterSet
from ..models import Experiment, Snapshot
from ..services import InvalidTransition, check_transition, transition_experiment
from ..validators import MAX_STRING_LENGTH
from .json_fields import MetricsField


class SnapshotSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(
            slug_field="snapshot_id",
            queryset=Snapshot.objects.all(),
            required=False,
            allow_null=True,
            help_text="The snapshot's slug, e.g. nfl-week-5-2024.",
            **kwargs,
        )


class ExperimentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    snapshot = SnapshotSlugField()
    metrics = MetricsField()

    class Meta:
        model = Experiment
        fields = [
            "id",
            "user",
            "snapshot",
            "name",
            "description",
            "timestamp",
            "week",
            "league",
            "risk_mode",
            "bankroll",
            "num_props",
            "num_slips",
            "metrics",
            "status",
            "created_at",
        ]
        read_only_fields = ["id", "user", "created_at"]
        extra_kwargs = {
            "description": {"max_length": MAX_STRING_LENGTH},
            "status": {
                "help_text": "draft → running → completed | failed. A new experiment starts as "
                "draft (or running)."
            },
        }

    def validate_status(self, value):
        if self.instance is None:
            try:
                check_transition(ExperimentStatus.DRAFT, value)
            except InvalidTransition as exc:
                raise serializers.ValidationError(str(exc)) from None
        return value

    def update(self, instance, validated_data):
        status = validated_data.pop("status", None)
        with transaction.atomic():
            if status is not None and status != instance.status:
                instance = transition_experiment(experiment=instance, status=status)
            return super().update(instance, validated_data)


class ExperimentStatsSerializer(serializers.Serializer):
    total_experiments = serializers.IntegerField()
    avg_roi = serializers.FloatField(allow_null=True, help_text="Average metrics.roi.")
    best_roi = serializers.FloatField(allow_null=True, help_text="Highest metrics.roi.")
    total_slips = serializers.IntegerField(help_text="Sum of num_slips.")
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Experiments per status, every status listed."
    )


@extend_schema_view(
    list=extend_schema(summary="Your experiments (staff: everyone's)"),
    partial_update=extend_schema(
        summary="Change an experiment; `status` follows draft → running → completed | failed"
    ),
)
class ExperimentViewSet(OwnedModelViewSet):
    """A user's experiments (backtests); staff see everyone's."""

    model = Experiment
    serializer_class = ExperimentSerializer
    filterset_class = ExperimentFilterSet

    def with_related(self, queryset):
        return queryset.with_snapshot()

    @extend_schema(
        summary="Totals of your experiments (the list's filters apply)",
        responses={200: ExperimentStatsSerializer},
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def stats(self, request):
        stats = self.filter_queryset(self.get_queryset()).stats()
        stats["by_status"] = {
            status: stats["by_status"].get(status, 0) for status in ExperimentStatus.values
        }
        return Response(ExperimentStatsSerializer(stats).data)

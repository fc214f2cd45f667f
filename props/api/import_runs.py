"""`GET /api/v1/import-runs/` (staff): every import — command, admin upload, feed poll — newest
first, filtered by status, origin, source, platform and time."""

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAdminUser

from ..choices import Platform
from ..feeds.models import ImportRun, RunOrigin, RunStatus


class ImportRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    origin = django_filters.ChoiceFilter(choices=RunOrigin.choices)
    source = django_filters.CharFilter(
        field_name="source__name", help_text="The feed source's name."
    )
    platform = django_filters.ChoiceFilter(
        choices=Platform.choices, method="filter_platform", help_text="Runs that wrote it."
    )
    since = django_filters.IsoDateTimeFilter(field_name="queued_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="queued_at", lookup_expr="lt")

    class Meta:
        model = ImportRun
        fields = []

    def filter_platform(self, queryset, name, value):
        return queryset.filter(platforms__contains=f",{value},")


class ImportRunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True, help_text="The feed source."
    )
    user = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text="Who ran it (email)."
    )
    platforms = serializers.ListField(
        source="platform_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source",
            "source_name",
            "origin",
            "user",
            "status",
            "snapshot",
            "format",
            "platforms",
            "created",
            "updated",
            "unchanged",
            "deactivated",
            "rejected",
            "skipped",
            "seconds",
            "rows_per_second",
            "error",
            "http_status",
            "body_bytes",
            "attempts",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportRunViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Import runs, newest first (staff only)."""

    permission_classes = [IsAdminUser]
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet
    queryset = ImportRun.objects.select_related("source", "user").order_by("-queued_at", "-id")

"""`/api/v1/prop-markets/`: the board (cursor pages, cached, ETag), one market, staff writes
through `props.services`, and line shopping (`compare/`).

Retrieve, create, update and destroy are DRF's mixins (the writes call the services); `list`
and `compare` are custom: cached JSON bodies built from rows, not from serialized instances.
"""

from functools import partial

from django.conf import settings
from django.db import router
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from betterbros.api.permissions import ReadForUsersWriteForStaff

from .. import services
from ..filtersets.markets import PropMarketFilterSet
from ..models import PropMarket
from ..selectors import line_shopping, sorted_offers
from .board_cache import cached_json
from .board_page import board_filter_values, board_page_rows
from .board_rows import market_json_rows
from .market_serializers import LineShoppingPageSerializer, PropMarketSerializer
from .pagination import KeysetPagination, page_queryset, whole_number

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
ERRORS = {
    400: OpenApiResponse(description="Invalid filter, cursor or field values (field errors)."),
    409: OpenApiResponse(description="The market's snapshot is locked (names the snapshot)."),
}
NOT_MODIFIED = {304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match.")}
COMPARE_PARAMETERS = [
    OpenApiParameter(
        "min_platforms",
        OpenApiTypes.INT,
        description="Only groups offered on at least this many platforms (default 2).",
    ),
    OpenApiParameter(
        "limit",
        OpenApiTypes.INT,
        description=f"Groups per page (default {settings.API_PAGE_SIZE}, at most 1000).",
    ),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Groups to skip (default 0)."),
]


def filtered(request, queryset):
    """The FilterSet applied to `queryset`, with its cleaned values; invalid filters are a 400."""
    filterset = PropMarketFilterSet(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs, filterset.form.cleaned_data


def cache_filling_database():
    """Where a cached read is built: the primary (the router's database for writes). A
    replica that has not replayed a write yet would store the old board under the version
    that write bumped, and serve it for the cache's whole TTL."""
    return router.db_for_write(PropMarket)


def board_of(request):
    """The (league, week) a query is scoped to, for the cache version; (None, None) if none.

    Read from the raw query so that a cache hit costs no FilterSet: only a valid query is ever
    cached, and `week=05` and `week=5` share the version that writes to week 5 bump.
    """
    league = request.query_params.get("league")
    week = whole_number(request.query_params.get("week", ""))
    return (league, week) if league and week is not None else (None, None)


def _bounded_int(request, name, default, minimum, maximum):
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or not minimum <= value <= maximum:
        raise ValidationError({name: [f"Must be a whole number from {minimum} to {maximum}."]})
    return value


@extend_schema_view(
    retrieve=extend_schema(summary="One prop market", responses={200: PropMarketSerializer}),
    create=extend_schema(
        summary="Create a prop market (staff)",
        request=PropMarketSerializer,
        responses={201: PropMarketSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary="Replace a prop market (staff)",
        request=PropMarketSerializer,
        responses={200: PropMarketSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change fields of a prop market (staff)",
        request=PropMarketSerializer,
        responses={200: PropMarketSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a prop market (staff)", responses={204: None, 409: ERRORS[409]}
    ),
)
class PropMarketViewSet(
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Prop markets: read for every signed-in user, write for staff."""

    queryset = PropMarket.objects.select_related("snapshot")
    serializer_class = PropMarketSerializer
    permission_classes = [ReadForUsersWriteForStaff]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PropMarketFilterSet
    pagination_class = KeysetPagination
    lookup_value_regex = UUID_PATTERN

    @extend_schema(
        summary="List prop markets (cursor pages, cached; ETag)",
        responses={200: PropMarketSerializer(many=True), **NOT_MODIFIED, 400: ERRORS[400]},
    )
    def list(self, request):
        def build():
            primary = cache_filling_database()
            board = board_filter_values(request.query_params) if settings.BOARD_FAST_PATH else None
            if board is not None:  # the hot board query: no FilterSet form, SQL compiled once
                rows_of = partial(board_page_rows, board, using=primary)
            else:
                queryset, _ = filtered(request, PropMarket.objects.using(primary))

                def rows_of(**page):
                    return market_json_rows(page_queryset(queryset, **page))

            rows = self.paginator.paginate_rows(request, rows_of=rows_of)
            return self.paginator.get_paginated_data(rows)

        return cached_json(request, scope="list", board=board_of(request), build=build)

    def filter_queryset(self, queryset):
        # `list` and `compare` filter with the FilterSet themselves; one market is looked up
        # by id alone (the backend is declared for the schema's list parameters).
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.create_market(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_market(
            market=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_market(market=instance, user=self.request.user)

    @extend_schema(
        summary="Line shopping: each player's market across platforms, widest spread first",
        description="Active markets of one board (the live board unless `snapshot` is given) "
        "grouped by league, season, week, player and canonical market type; each group lists "
        "every platform's line and odds, the lowest and highest line and their spread. Takes "
        "the list's filters. Cached like the list.",
        parameters=COMPARE_PARAMETERS,
        filters=True,
        responses={200: LineShoppingPageSerializer, **NOT_MODIFIED, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def compare(self, request):
        def build():
            primary = cache_filling_database()
            queryset, cleaned = filtered(request, PropMarket.objects.using(primary))
            if cleaned.get("live") is False and not cleaned.get("snapshot"):
                message = "Compare reads one board: give snapshot=<slug>, or leave live unset."
                raise ValidationError({"live": [message]})
            if not cleaned.get("snapshot"):
                queryset = queryset.filter(snapshot__isnull=True)
            min_platforms = _bounded_int(request, "min_platforms", 2, 1, 100)
            limit = _bounded_int(request, "limit", settings.API_PAGE_SIZE, 1, 1000)
            offset = _bounded_int(request, "offset", 0, 0, 1_000_000)
            groups = sorted_offers(
                list(
                    line_shopping(queryset, min_platforms=min_platforms)[
                        offset : offset + limit + 1
                    ]
                )
            )
            next_url = None
            if len(groups) > limit:
                groups = groups[:limit]
                next_url = _replace(request, offset=offset + limit)
            return {"next": next_url, "results": groups}

        return cached_json(request, scope="compare", board=board_of(request), build=build)


def _replace(request, **params):
    url = request.build_absolute_uri()
    for name, value in params.items():
        url = replace_query_param(url, name, value)
    return url

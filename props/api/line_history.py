"""`/api/v1/prop-markets/{id}/history/` (one market's line, odds and active state over time) and
`/api/v1/prop-markets/movers/` (the live board's biggest line or odds moves since a time).

Both read the history the project writes on every change (props.movement); who may read them
is who may read the market (any signed-in user; `changed_by` names staff to staff only).
"""

import datetime
from dataclasses import replace

from django.conf import settings
from django.core import signing
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.utils.urls import replace_query_param

from betterbros.api.permissions import ReadForUsersWriteForStaff

from ..filtersets.movement import DEFAULT_WINDOW, MoversFilterSet
from ..models import PropMarket
from ..movement import history_page, movers
from .board_cache import cached_json, json_response
from .markets import board_of, cache_filling_database
from .pagination import CURSOR_PARAM, PAGE_SIZE_PARAM, page_size

_CURSOR_SALT = "props.api.line_history.cursor"
BAD_REQUEST = OpenApiResponse(description="Invalid parameters (errors keyed by parameter).")
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag in If-None-Match.")


class HistoryPointSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When this version was written.")
    line = serializers.FloatField()
    odds = serializers.FloatField(allow_null=True, help_text="Decimal odds; null when none.")
    is_active = serializers.BooleanField()
    change_type = serializers.ChoiceField(
        choices=["created", "changed", "deleted"], help_text="What the write did to the market."
    )
    kind = serializers.ChoiceField(
        choices=["import", "capture", "bulk", "move", "edit"],
        help_text="What wrote it: an import, a snapshot capture, an admin bulk action, a move "
        "between boards, or an edit of this one market (API or admin).",
    )
    import_source = serializers.CharField(
        allow_null=True, help_text="The imported file or feed (kind=import)."
    )
    action = serializers.CharField(
        allow_null=True,
        help_text="The bulk action or move, e.g. 'line shifted by +0.5 in admin', "
        "'live board → nfl-week-5-2024'.",
    )
    reason = serializers.CharField(allow_null=True, help_text="The reason staff gave, if any.")
    changed_by = serializers.EmailField(
        allow_null=True, help_text="Who made the change (shown to staff only; null otherwise)."
    )


class HistoryPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page (later points).")
    results = HistoryPointSerializer(many=True)


class MoverSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The market.")
    player_name = serializers.CharField()
    team = serializers.CharField()
    league = serializers.CharField()
    season = serializers.IntegerField(allow_null=True)
    week = serializers.IntegerField()
    platform = serializers.CharField()
    market_type = serializers.CharField()
    is_active = serializers.BooleanField(help_text="As of its latest version.")
    deleted = serializers.BooleanField(help_text="The market has been deleted since.")
    by = serializers.ChoiceField(choices=["line", "odds"], help_text="What moved.")
    to = serializers.FloatField(allow_null=True, help_text="The latest value.")
    change = serializers.FloatField(allow_null=True, help_text="to minus from.")
    moves = serializers.IntegerField(help_text="How many versions since `since` changed it.")
    last_move_at = serializers.DateTimeField(help_text="When it last changed.")

    def get_fields(self):
        # `from` is a Python keyword, so it cannot be declared in the class body.
        fields = super().get_fields()
        ordered = {}
        for name, field in fields.items():
            if name == "to":
                ordered["from"] = serializers.FloatField(
                    allow_null=True,
                    help_text="The value at `since` (or when the market was created, if later).",
                )
            ordered[name] = field
        return ordered


class MoversPageSerializer(serializers.Serializer):
    since = serializers.DateTimeField(help_text="The time the moves are counted from.")
    by = serializers.ChoiceField(choices=["line", "odds"])
    next = serializers.URLField(allow_null=True)
    results = MoverSerializer(many=True)


def _encode_cursor(point) -> str:
    return signing.dumps([point["at"].isoformat(), point["history_id"]], salt=_CURSOR_SALT)


def _decode_cursor(raw):
    try:
        at, history_id = signing.loads(raw, salt=_CURSOR_SALT)
        return datetime.datetime.fromisoformat(at), int(history_id)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError({CURSOR_PARAM: ["Invalid cursor."]}) from None


class MarketHistoryView(GenericAPIView):
    permission_classes = [ReadForUsersWriteForStaff]
    queryset = PropMarket.objects.all()
    serializer_class = HistoryPageSerializer
    pagination_class = None

    @extend_schema(
        summary="A prop market's line, odds and active state over time",
        description="Every version of the market, oldest first, each with what wrote it (an "
        "import and its file, a capture, an admin bulk action and its reason, a move, an edit). "
        f"Cursor pages of `{PAGE_SIZE_PARAM}` points (default {settings.API_PAGE_SIZE}).",
        parameters=[
            OpenApiParameter(CURSOR_PARAM, OpenApiTypes.STR, description="The next page's cursor."),
            OpenApiParameter(PAGE_SIZE_PARAM, OpenApiTypes.INT, description="Points per page."),
        ],
        responses={200: HistoryPageSerializer, 400: BAD_REQUEST, 404: None},
    )
    def get(self, request, pk):
        if not PropMarket.objects.filter(pk=pk).exists():
            raise Http404
        size = page_size(request)
        raw_cursor = request.query_params.get(CURSOR_PARAM)
        after = _decode_cursor(raw_cursor) if raw_cursor else None
        points = history_page(pk, after=after, size=size + 1)
        next_url = None
        if len(points) > size:
            points = points[:size]
            url = request.build_absolute_uri()
            next_url = replace_query_param(url, CURSOR_PARAM, _encode_cursor(points[-1]))
        staff = request.user.is_staff
        results = [_public_point(point, staff) for point in points]
        return json_response({"next": next_url, "results": results})


def _public_point(point, staff) -> dict:
    return {
        "at": point["at"],
        "line": point["line"],
        "odds": point["odds"],
        "is_active": point["is_active"],
        "change_type": point["change_type"],
        "kind": point["kind"],
        "import_source": point["import_source"],
        "action": point["action"],
        "reason": point["reason"],
        "changed_by": point["user_email"] if staff else None,
    }


class MoversView(GenericAPIView):
    permission_classes = [ReadForUsersWriteForStaff]
    queryset = PropMarket.objects.none()
    serializer_class = MoversPageSerializer
    filterset_class = MoversFilterSet
    pagination_class = None

    @extend_schema(
        summary="Movers: markets whose line (or odds) moved most since a time",
        description="Live-board markets, largest absolute change first: the value at `since` "
        "(or at creation) → the latest, the change, how many versions changed it and when it "
        f"last did. `since` defaults to {DEFAULT_WINDOW.total_seconds() / 3600:g} hours ago "
        "(to the minute). Cached under the board version like the list.",
        filters=True,
        responses={200: MoversPageSerializer, 304: NOT_MODIFIED, 400: BAD_REQUEST},
    )
    def get(self, request):
        explicit_since = bool(request.query_params.get("since"))
        now = _to_the_minute(datetime.datetime.now(datetime.UTC))
        # Without `since` the window moves with the clock: the minute is part of the cache key.
        scope = "movers" if explicit_since else f"movers:{now.isoformat()}"

        def build():
            filterset = MoversFilterSet(request.query_params, queryset=self.queryset)
            if not filterset.is_valid():
                raise ValidationError(filterset.errors)
            query = filterset.mover_query(now=now)
            # One more row than the page tells whether there is a next page. Built where the
            # cached board list is (a lagging replica would cache old moves).
            rows = movers(replace(query, limit=query.limit + 1), using=cache_filling_database())
            next_url = None
            if len(rows) > query.limit:
                rows = rows[: query.limit]
                next_url = replace_query_param(
                    request.build_absolute_uri(), "offset", query.offset + query.limit
                )
                # The window the page was counted in, so the next page continues it even after
                # a default window ("the last 24 hours") has moved on with the clock.
                next_url = replace_query_param(next_url, "since", query.since.isoformat())
            for row in rows:
                row["by"] = query.by
            return {"since": query.since, "by": query.by, "next": next_url, "results": rows}

        return cached_json(request, scope=scope, board=board_of(request), build=build)


def _to_the_minute(moment):
    return moment.replace(second=0, microsecond=0)

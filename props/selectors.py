"""Reads with logic over prop markets, shared by the API, the admin and the exports.

`market_rows` is the one JSON shape of a prop market (the API's list, detail and write responses
use it); `line_shopping` and `snapshot_diff` are the compare and diff reads.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Aggregate, Count, F, JSONField, Max, Min, QuerySet
from django.db.models.functions import JSONObject

from .models import PropMarket

# Output key -> column expression for values_list(); one place for the market's JSON shape.
MARKET_COLUMNS = {
    "id": "id",
    "snapshot": "snapshot__snapshot_id",
    "league": "league",
    "sport": "sport",
    "season": "season",
    "week": "week",
    "platform": "platform",
    "player_id": "player_id",
    "player_name": "player_name",
    "position": "position",
    "team": "team",
    "opponent": "opponent",
    "market_type": "market_type",
    "stat_category": "stat_category",
    "line": "line",
    "odds": "odds",
    "is_active": "is_active",
    "external_id": "external_id",
    "game_id": "game_id",
    "game_date": "game_date",
    "extra_metadata": "extra_metadata",
    "created_at": "created_at",
    "updated_at": "updated_at",
}
MARKET_KEYS = tuple(MARKET_COLUMNS)


def market_rows(queryset: QuerySet[PropMarket]) -> list[dict[str, Any]]:
    """The markets of `queryset` as dicts of MARKET_KEYS, in one query (the snapshot's slug
    comes through a join), without model instances: the list endpoint's hot path."""
    keys = MARKET_KEYS
    return [dict(zip(keys, row, strict=True)) for row in market_tuples(queryset)]


def market_tuples(queryset: QuerySet[PropMarket]) -> Iterable[tuple[Any, ...]]:
    return queryset.values_list(*MARKET_COLUMNS.values())


class JSONArrayAgg(Aggregate):
    """A JSON array of the grouped values: jsonb_agg on PostgreSQL, json_group_array on SQLite
    (the README's development database)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def line_shopping(
    queryset: QuerySet[PropMarket], *, min_platforms: int = 2
) -> QuerySet[PropMarket, dict[str, Any]]:
    """Line shopping over `queryset` (already filtered to one board): active markets grouped by
    league, season, week, player and canonical market type, each group with every platform's
    offer (line, odds, id), the lowest and highest line and their spread, widest spread first.
    Groups offered on fewer than `min_platforms` platforms are left out. One query; pass the
    fetched groups through `sorted_offers` to list each group's offers lowest line first."""
    offer = JSONObject(platform=F("platform"), line=F("line"), odds=F("odds"), id=F("id"))
    return (
        queryset.filter(is_active=True)
        .order_by()
        .values("league", "season", "week", "player_name", "market_type")
        .annotate(
            platforms=Count("platform", distinct=True),
            min_line=Min("line"),
            max_line=Max("line"),
            spread=Max("line") - Min("line"),
            best_odds=Max("odds"),
            offers=JSONArrayAgg(offer),
        )
        .filter(platforms__gte=min_platforms)
        .order_by("-spread", "player_name", "market_type", "league", "week")
    )


def sorted_offers(groups: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """`groups` of `line_shopping` with each group's offers lowest line first (ids in the
    canonical UUID form whatever the database stores)."""
    for group in groups:
        for offer in group["offers"]:
            offer["id"] = str(uuid.UUID(offer["id"]))
        group["offers"].sort(key=lambda offer: (offer["line"], offer["platform"], offer["id"]))
    return groups


DIFF_KEY = ("platform", "player_name", "market_type")


def snapshot_diff(snapshot: Any, against: Any) -> dict[str, list[dict[str, Any]]]:
    """What changed from `against` (the older board) to `snapshot`: active markets matched by
    platform + player + market type. Returns {"added": [...], "removed": [...], "moved": [...]}
    where moved markets carry their old and new line and odds. Where a board has several
    markets with the same key, the one with the lowest line (then id) stands for it. One query.
    """
    boards: dict[Any, dict[tuple[Any, ...], dict[str, Any]]] = {snapshot.pk: {}, against.pk: {}}
    rows = (
        PropMarket.objects.filter(snapshot__in=list(boards), is_active=True)
        .order_by("line", "id")
        .values("snapshot_id", "id", *DIFF_KEY, "line", "odds")
    )
    for row in rows:
        key = tuple(row[name] for name in DIFF_KEY)
        boards[row.pop("snapshot_id")].setdefault(key, row)
    new, old = boards[snapshot.pk], boards[against.pk]
    moved = [
        {
            **{name: new[key][name] for name in DIFF_KEY},
            "old": {name: old[key][name] for name in ("id", "line", "odds")},
            "new": {name: new[key][name] for name in ("id", "line", "odds")},
            "line_change": round(new[key]["line"] - old[key]["line"], 4),
        }
        for key in sorted(new.keys() & old.keys())
        if (new[key]["line"], new[key]["odds"]) != (old[key]["line"], old[key]["odds"])
    ]
    return {
        "added": [new[key] for key in sorted(new.keys() - old.keys())],
        "removed": [old[key] for key in sorted(old.keys() - new.keys())],
        "moved": moved,
    }

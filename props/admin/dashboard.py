"""The admin index's dashboard: markets per league/week/platform on the live board, each
platform's last import and its age, the biggest movers of the last 24 hours, the best current
edges, the locked snapshots — each entry linking to the filtered list.

Built by a handful of indexed aggregates and cached under the global board version (any write
to markets bumps it) for CACHE_TTL, so at a million markets the page costs one Redis read
until the board changes. The movers window is bucketed to MOVERS_BUCKET so cached entries
stay within it; ages are computed at render time from the stored instants.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ..cache import boards_version
from ..choices import Platform
from ..history import HISTORY_TABLE, MARKET_TABLE
from ..models import Snapshot
from ..movement import IMPORT_PREFIX, MoverQuery, movers

MOVERS_WINDOW = datetime.timedelta(hours=24)
MOVERS_BUCKET = datetime.timedelta(minutes=5)
MOVERS_SHOWN = 10
EDGES_SHOWN = 10
LOCKED_SHOWN = 10
PLATFORM_NAMES = dict(Platform.choices)


def _changelist(model, **filters):
    return f"{reverse(f'admin:props_{model}_changelist')}?{urlencode(filters)}"


def board_counts():
    """[(league, week, {platform: active live markets})], by league then week. One GROUP BY
    over the live board's active markets."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT league, week, platform, count(*) FROM "{MARKET_TABLE}" '
            "WHERE snapshot_id IS NULL AND is_active GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
        return cursor.fetchall()


def last_imports(platforms):
    """{platform: (when, source)} of each platform's newest history version written by an
    import — one backward probe per platform of the (platform, history_date) index."""
    if not platforms:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.platform, last.history_date, last.history_change_reason
              FROM unnest(%s::text[]) AS p(platform)
             CROSS JOIN LATERAL (
                   SELECT history_date, history_change_reason FROM "{HISTORY_TABLE}" h
                    WHERE h.platform = p.platform AND h.history_change_reason LIKE %s
                    ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1
             ) last
            """,
            [sorted(platforms), f"{IMPORT_PREFIX}%"],
        )
        return {
            platform: (at, reason[len(IMPORT_PREFIX) :])
            for platform, at, reason in cursor.fetchall()
        }


def best_edges(boards, limit):
    """The best current pick'em edges (props.edges) of each league's latest week on the live
    board, best first; None when edges are not installed. One edges query per league."""
    try:
        from ..edges import best_edges as edges_of_board
    except ImportError:
        return None
    latest = {}
    for league, week in boards:
        latest[league] = max(week, latest.get(league, week))
    found = []
    for league, week in sorted(latest.items()):
        found.extend(
            {"league": league, "week": week, **edge}
            for edge in edges_of_board(league, week, limit=limit)
        )
    found.sort(key=lambda edge: -edge["edge"])
    return found[:limit]


def _build(now):
    counts = board_counts()
    platforms = sorted({platform for _, _, platform, _ in counts})
    boards = {}
    for league, week, platform, count in counts:
        boards.setdefault((league, week), {})[platform] = count
    since = now - MOVERS_WINDOW
    return {
        "platforms": platforms,
        "boards": [
            {"league": league, "week": week, "counts": by_platform}
            for (league, week), by_platform in boards.items()
        ],
        "imports": last_imports(platforms),
        "movers": movers(MoverQuery(since=since, limit=MOVERS_SHOWN)),
        "movers_since": since,
        "edges": best_edges(boards, EDGES_SHOWN),
        "locked": list(
            Snapshot.objects.filter(is_locked=True)
            .order_by("-locked_at")
            .values("pk", "snapshot_id", "league", "week", "locked_at")[: LOCKED_SHOWN + 1]
        ),
    }


def dashboard_data(now=None):
    """The dashboard's figures, from the cache while no market has changed."""
    now = now or timezone.now()
    bucket = int(now.timestamp() // MOVERS_BUCKET.total_seconds())
    key = f"props:admin-dashboard:{boards_version()}:{bucket}"
    data = cache.get(key)
    if data is None:
        bucket_start = datetime.datetime.fromtimestamp(
            bucket * MOVERS_BUCKET.total_seconds(), tz=datetime.UTC
        )
        data = _build(bucket_start)
        cache.set(key, data, timeout=settings.CACHE_TTL)
    return data


def _age(moment, now):
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def dashboard(now=None):
    """What templates/admin/props/dashboard.html shows: the cached figures with their links."""
    now = now or timezone.now()
    data = dashboard_data(now)
    platforms = data["platforms"]
    live = {"board": "live", "is_active__exact": "1"}
    rows = []
    for board in data["boards"]:
        league, week = board["league"], board["week"]
        cells = []
        for platform in platforms:
            count = board["counts"].get(platform)
            cells.append(
                {
                    "count": count,
                    "url": _changelist(
                        "propmarket",
                        league__exact=league,
                        week=week,
                        platform__exact=platform,
                        **live,
                    )
                    if count
                    else None,
                }
            )
        rows.append(
            {
                "league": league,
                "week": week,
                "total": sum(board["counts"].values()),
                "url": _changelist("propmarket", league__exact=league, week=week, **live),
                "cells": cells,
            }
        )
    imports = []
    for platform in platforms:
        found = data["imports"].get(platform)
        imports.append(
            {
                "platform": PLATFORM_NAMES.get(platform, platform),
                "at": found[0] if found else None,
                "source": found[1] if found else None,
                "age": _age(found[0], now) if found else None,
                "url": _changelist("historicalpropmarket", platform__exact=platform),
            }
        )
    for mover in data["movers"]:
        mover["url"] = _changelist("historicalpropmarket", q=str(mover["id"]))
    for edge in data["edges"] or ():
        edge["url"] = _changelist(
            "propmarket",
            league__exact=edge["league"],
            week=edge["week"],
            platform__exact=edge["platform"],
            q=edge["player_name"],
            board="live",
        )
    locked = data["locked"][:LOCKED_SHOWN]
    for snapshot in locked:
        snapshot["url"] = _changelist("propmarket", snapshot__id__exact=str(snapshot["pk"]))
    return {
        "platforms": [PLATFORM_NAMES.get(p, p) for p in platforms],
        "boards": rows,
        "imports": imports,
        "movers": data["movers"],
        "movers_since": data["movers_since"],
        "movers_url": _changelist(
            "historicalpropmarket", **{"from": data["movers_since"].date().isoformat()}
        ),
        "edges": data["edges"],
        "locked": locked,
        "more_locked": len(data["locked"]) > LOCKED_SHOWN,
        "locked_url": _changelist("snapshot", is_locked__exact="1"),
    }

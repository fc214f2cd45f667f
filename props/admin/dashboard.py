"""The admin index's dashboard: markets per league/week/platform on the live board, each
platform's last import and its age, the biggest movers of the last 24 hours, the best current
edges, the locked snapshots — each entry linking to the filtered list.

Built by a handful of indexed aggregates (about a second at a million markets) and kept in the
cache with the board version and movers window it describes. Imports change the board many
times a day, so a page that finds older figures shows them, says when they were built, and
queues a rebuild in a worker: the index never waits for the aggregates except the very first
time (empty cache). The movers window is bucketed to MOVERS_BUCKET; ages are computed at render
time from the stored instants.
"""

import datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from betterbros.celery import app as celery_app

from .. import catalogue
from ..cache import boards_version
from ..choices import Platform
from ..edges import best_edges as edges_of_board
from ..feeds.models import ImportRun
from ..history import MARKET_TABLE
from ..import_runs import board_freshness
from ..models import Snapshot
from ..movement import MoverQuery, movers

MOVERS_WINDOW = datetime.timedelta(hours=24)
MOVERS_BUCKET = datetime.timedelta(minutes=5)
MOVERS_SHOWN = 10
EDGES_SHOWN = 10
LOCKED_SHOWN = 10
PLATFORM_NAMES = dict(Platform.choices)


def _admin_url(name, pk):
    """The admin page `name` of object `pk`, or None (no object, or no such admin page)."""
    if pk is None:
        return None
    try:
        return reverse(f"admin:{name}", args=[pk])
    except NoReverseMatch:
        return None


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


def last_imports():
    """{platform: {at, run, source, interval}}: each platform's last successful import
    (props.import_runs.board_freshness) and the file or feed it read."""
    runs = {row.platform: row for row in board_freshness()}
    sources = dict(
        ImportRun.objects.filter(
            pk__in=[row.run_id for row in runs.values() if row.run_id]
        ).values_list("pk", "source_name")
    )
    return {
        platform: {
            "at": row.last_success,
            "run": row.run_id,
            "source": sources.get(row.run_id, ""),
            "interval": row.interval,
        }
        for platform, row in runs.items()
    }


def latest_weeks(boards):
    """[(league, its latest week on the live board)]: the boards the dashboard calls current."""
    latest = {}
    for league, week in boards:
        latest[league] = max(week, latest.get(league, week))
    return sorted(latest.items())


def current_movers(boards, since, limit):
    """The biggest line moves since `since` on each league's latest week, largest first: one
    movers query per league (a board's recent versions, not every board's)."""
    found = []
    for league, week in latest_weeks(boards):
        found.extend(movers(MoverQuery(since=since, league=league, week=week, limit=limit)))
    found.sort(key=lambda mover: (-abs(mover["change"] or 0), str(mover["id"])))
    return found[:limit]


def best_edges(boards, limit):
    """The best current pick'em edges (props.edges) of each league's latest week on the live
    board, best first. One edges query per league."""
    found = []
    for league, week in latest_weeks(boards):
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
        "imports": last_imports(),
        "movers": current_movers(boards, since, MOVERS_SHOWN),
        "movers_since": since,
        "edges": best_edges(boards, EDGES_SHOWN),
        "locked": list(
            Snapshot.objects.filter(is_locked=True)
            .order_by("-locked_at")
            .values("pk", "snapshot_id", "league", "week", "locked_at")[: LOCKED_SHOWN + 1]
        ),
    }


DASHBOARD_KEY = "props:admin-dashboard"
REFRESHING_KEY = "props:admin-dashboard:refreshing"
# Figures older than the board are still shown (dated) while a worker rebuilds them.
KEPT_FOR = 24 * 60 * 60
REFRESH_AT_MOST_EVERY = 60


def _stamp(now):
    """(board version, movers bucket): what the figures built at `now` describe."""
    return boards_version(), int(now.timestamp() // MOVERS_BUCKET.total_seconds())


def refresh_dashboard(now=None):
    """Build the figures and keep them with the stamp they describe; return the entry."""
    now = now or timezone.now()
    stamp = _stamp(now)  # read before building: a write meanwhile makes the entry stale
    bucket_start = datetime.datetime.fromtimestamp(
        stamp[1] * MOVERS_BUCKET.total_seconds(), tz=datetime.UTC
    )
    entry = {"stamp": stamp, "built_at": now, "data": _build(bucket_start)}
    cache.set(DASHBOARD_KEY, entry, timeout=KEPT_FOR)
    cache.delete(REFRESHING_KEY)
    return entry


def _queue_refresh():
    from ..tasks.maintenance import refresh_admin_dashboard

    # One rebuild at a time, whatever the number of staff looking at the index.
    if cache.add(REFRESHING_KEY, True, timeout=REFRESH_AT_MOST_EVERY):
        transaction.on_commit(refresh_admin_dashboard.delay)


def dashboard_data(now=None):
    """(figures, the time they were built if they are older than the board, else None)."""
    now = now or timezone.now()
    entry = cache.get(DASHBOARD_KEY)
    if entry is None:
        return refresh_dashboard(now)["data"], None
    if entry["stamp"] != _stamp(now):
        if celery_app.conf.task_always_eager:  # no workers (`make run`): this process builds
            return refresh_dashboard(now)["data"], None
        _queue_refresh()
        return entry["data"], entry["built_at"]
    return entry["data"], None


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
    data, stale_since = dashboard_data(now)
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
    for platform in sorted(set(platforms) | set(data["imports"])):
        found = data["imports"].get(platform) or {}
        at, interval = found.get("at"), found.get("interval")
        imports.append(
            {
                "platform": PLATFORM_NAMES.get(platform, platform),
                "at": at,
                "source": found.get("source"),
                "age": _age(at, now) if at else None,
                "stale": interval is not None and (at is None or now - at > interval),
                "url": _changelist("propmarket", platform__exact=platform, board="live"),
                "run_url": _admin_url("props_importrun_change", found.get("run")),
            }
        )
    latest = dict(latest_weeks((row["league"], row["week"]) for row in rows))
    for row in rows:
        row["current"] = latest[row["league"]] == row["week"]
    for entry in [*data["movers"], *(data["edges"] or ())]:
        entry["market_label"] = catalogue.market_label(entry["market_type"])
        entry["platform_name"] = PLATFORM_NAMES.get(entry["platform"], entry["platform"])
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
        "stale_since": stale_since,
        "platforms": [PLATFORM_NAMES.get(p, p) for p in platforms],
        "boards": rows,
        "current_boards": [row for row in rows if row["current"]],
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

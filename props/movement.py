"""Line movement read from the prop-market history (django-simple-history's table, which every
write path fills: props/history.py for the set-based writes, the model's signals otherwise).

- `history_page`: one market's versions, oldest first, each with what changed it.
- `movers`: the markets of the live board whose line (or odds) moved most since a time.

Both read the history indexes of migrations 0010 and 0012: `movers` reads the board's history
rows since `since` from a partial covering index (league, week, history_date) that includes
each row's previous version (0012's insert trigger fills it) — one statement when every market
of the window is one chain of those versions, a second, probing (id, history_date, history_id)
INCLUDE (line, odds) for the others, only when one is not (see `movers_sql`).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q

from .history import HISTORY_TABLE
from .models import PropMarket

HistoricalPropMarket = PropMarket.history.model

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
MOVED_BY = ("line", "odds")
IMPORT_PREFIX = "import "
CAPTURED = "captured from the live board"
# "<board> → <board>[: reason]" (props.services.bulk._move, props.services.markets.update_market)
MOVE = re.compile(r"^(?P<source>.+?) → (?P<target>[^:]+?)(?:: (?P<reason>.*))?$")
# "<what> in admin[: reason]" (props.services.bulk: edits and deletions of a selection)
BULK = re.compile(r"^(?P<action>.+? in admin)(?:: (?P<reason>.*))?$")


@dataclass(frozen=True)
class Cause:
    """What a history row says changed the market: `kind` (import, capture, bulk, move, edit),
    the import's file or source, the bulk action, and the reason staff gave."""

    kind: str
    import_source: str | None = None
    action: str | None = None
    reason: str | None = None


def cause_of(change_reason: str | None, history_type: str) -> Cause:
    text = change_reason or ""
    if text.startswith(IMPORT_PREFIX):
        return Cause("import", import_source=text[len(IMPORT_PREFIX) :])
    if text == CAPTURED:
        return Cause("capture", action=CAPTURED)
    if match := BULK.match(text):
        return Cause("bulk", action=match["action"], reason=match["reason"])
    if match := MOVE.match(text):
        action = f"{match['source']} → {match['target']}"
        return Cause("move", action=action, reason=match["reason"])
    # A single market's create/update/delete (API or admin), or a snapshot lock: the text is the
    # staff's own reason, if any.
    return Cause("edit", reason=text or None)


# --- one market's history ----------------------------------------------------------------------

POINT_COLUMNS = (
    "history_id",
    "history_date",
    "history_type",
    "line",
    "odds",
    "is_active",
    "history_change_reason",
    "history_user_id",
    "history_user__email",
)


def _versions(market_id):
    return HistoricalPropMarket.objects.filter(id=market_id).values_list(*POINT_COLUMNS)


def history_page(market_id, *, after=None, size=100) -> list[dict]:
    """Up to `size` versions of the market after `after` ((history_date, history_id) of the
    previous page's last point, or None), oldest first. One index range read."""
    versions = _versions(market_id)
    if after is not None:
        at, history_id = after
        versions = versions.filter(
            Q(history_date__gt=at) | Q(history_date=at, history_id__gt=history_id)
        )
    return [_point(row) for row in versions.order_by("history_date", "history_id")[:size]]


def latest_points(market_id, *, count=200) -> list[dict]:
    """The market's last `count` versions, oldest first (the admin chart's window)."""
    latest = _versions(market_id).order_by("-history_date", "-history_id")[:count]
    return [_point(row) for row in reversed(latest)]


def _point(row) -> dict:
    history_id, at, history_type, line, odds, is_active, reason, user_id, email = row
    cause = cause_of(reason, history_type)
    return {
        "history_id": history_id,
        "at": at,
        "line": line,
        "odds": odds,
        "is_active": is_active,
        "change_type": CHANGE_TYPES.get(history_type, history_type),
        "kind": cause.kind,
        "import_source": cause.import_source,
        "action": cause.action,
        "reason": cause.reason,
        "history_reason": reason,
        "user_id": user_id,
        "user_email": email,
    }


# --- movers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoverQuery:
    """One board's movers query: the live board of `league` + `week`."""

    since: datetime.datetime
    league: str
    week: int
    by: str = "line"
    platform: str | None = None
    market_type: str | None = None
    min_change: float = 0.0
    limit: int = 50
    offset: int = 0

    def __post_init__(self):
        if self.by not in MOVED_BY:
            raise ValueError(f"by must be one of {', '.join(MOVED_BY)}")


def _board_sql(query: MoverQuery) -> tuple[str, str, str, dict]:
    """The quoted value column, its stored previous one, the board's conditions on history rows
    since `query.since`, and the parameters of the movers statements."""
    conditions = [
        "snapshot_id IS NULL",
        "league = %(league)s",
        "week = %(week)s",
        "history_date >= %(since)s",
    ]
    for column in ("platform", "market_type"):
        if getattr(query, column) is not None:
            conditions.append(f"{column} = %({column})s")
    params = {
        name: getattr(query, name)
        for name in ("league", "week", "since", "platform", "market_type", "min_change")
    } | {"limit": query.limit, "offset": query.offset}
    # query.by is one of MOVED_BY, never the caller's text.
    return f'"{query.by}"', f'"prev_{query.by}"', " AND ".join(conditions), params


def _chains_sql(value: str, previous: str, board: str) -> str:
    """Per market of the board, its versions since `since` summed up from their stored previous
    versions, and whether they are one chain (which makes the sums exact)."""
    starts = "(version_number = 1 OR prev_history_date < %(since)s)"
    moved = f"(version_number > 1 AND {value} IS DISTINCT FROM {previous})"
    return f"""
            SELECT id,
                   count(version_number) = count(*)
                   AND max(version_number) - min(version_number) + 1 = count(*)
                   AND count(*) FILTER (WHERE {starts}) = 1 AS complete,
                   max(CASE WHEN version_number = 1 THEN {value} ELSE {previous} END)
                       FILTER (WHERE {starts}) AS from_value,
                   (max(ARRAY[version_number, history_id]))[2] AS last_version,
                   (max(ARRAY[version_number::float8, {value}]))[2] AS to_value,
                   count(*) FILTER (WHERE {moved}) AS moves,
                   max(history_date) FILTER (WHERE {moved}) AS last_move_at
              FROM "{HISTORY_TABLE}"
             WHERE {board}
             GROUP BY id
    """


# The answer's columns, from `ranked` r and the last version h.
ANSWER = """
        SELECT r.id, h.player_name, h.team, h.league, h.season, h.week, h.platform,
               h.market_type, h.is_active, h.history_type, r.from_value, r.to_value, r.change,
               r.moves, r.last_move_at"""
BY_CHANGE = "abs(r.change) DESC, r.last_move_at DESC, r.id"


def chained_movers_sql(query: MoverQuery) -> tuple[str, dict]:
    """`movers` first statement: the answer when every market of the window is one chain of
    stored previous versions (the common case: no version left the board, nothing written
    before migration 0012). Markets that are not come first, flagged `complete` false; then
    `movers_sql` answers instead. Without OFFSET, so that none is skipped: the caller slices."""
    value, previous, board, params = _board_sql(query)
    sql = f"""
        WITH chains AS ({_chains_sql(value, previous, board)}),
        ranked AS (
            SELECT *, to_value - from_value AS change
              FROM chains
             WHERE NOT complete
                OR (moves > 0 AND abs(to_value - from_value) >= %(min_change)s)
             ORDER BY complete, abs(to_value - from_value) DESC, last_move_at DESC, id
             LIMIT %(offset)s + %(limit)s
        )
        {ANSWER}, r.complete
          FROM ranked r
          JOIN "{HISTORY_TABLE}" h ON h.history_id = r.last_version
         ORDER BY r.complete, {BY_CHANGE}
    """
    return sql, params


def movers_sql(query: MoverQuery) -> tuple[str, dict]:
    """`movers`' statement for any history, with its parameters (also for EXPLAIN in the
    tests); `chained_movers_sql` answers first, and this only when it cannot.

    Each history row carries its previous version (migration 0012), so a market whose versions
    in the window are consecutive (their version numbers min..max all there) and start at its
    creation or right after a version before `since` is summed up from the window alone: from
    the first row's previous value (or its value, at creation) to the last row's value, the
    moves being the rows whose value differs from their previous one. Any other market — a
    version in the window that left the board or the filters, rows written before 0012 and not
    backfilled — is read as before: its last version before `since` by one index probe, then
    the window functions over the versions in order. Both give the same figures."""
    value, previous, board, params = _board_sql(query)
    sql = f"""
        WITH chains AS MATERIALIZED ({_chains_sql(value, previous, board)}),
        unchained AS (
            SELECT id FROM chains WHERE NOT complete
        ),
        sequence AS (
            SELECT unchained.id, recent.history_date, recent.history_id, recent.value
              FROM unchained
             CROSS JOIN LATERAL (
                   SELECT history_date, history_id, {value} AS value
                     FROM "{HISTORY_TABLE}"
                    WHERE id = unchained.id AND {board}
             ) recent
            UNION ALL
            SELECT unchained.id, before.history_date, before.history_id, before.value
              FROM unchained
             CROSS JOIN LATERAL (
                   SELECT b.history_date, b.history_id, b.{value} AS value
                     FROM "{HISTORY_TABLE}" b
                    WHERE b.id = unchained.id AND b.history_date < %(since)s
                    ORDER BY b.history_date DESC, b.history_id DESC
                    LIMIT 1
             ) before
        ),
        steps AS (
            SELECT id, history_date, history_id, value,
                   row_number() OVER w > 1 AND value IS DISTINCT FROM lag(value) OVER w AS moved
              FROM sequence
            WINDOW w AS (PARTITION BY id ORDER BY history_date, history_id)
        ),
        summary AS (
            -- Each market's last version, carrying the first value and the moves of its
            -- partition (window aggregates over the order `steps` is already sorted in).
            SELECT id, history_id AS last_version, value AS to_value, from_value, moves,
                   last_move_at
              FROM (
                    SELECT id, history_id, value,
                           first_value(value) OVER whole AS from_value,
                           count(*) FILTER (WHERE moved) OVER whole AS moves,
                           max(history_date) FILTER (WHERE moved) OVER whole AS last_move_at,
                           lead(history_id) OVER ordered IS NULL AS is_last
                      FROM steps
                    WINDOW ordered AS (PARTITION BY id ORDER BY history_date, history_id),
                           whole AS (ordered ROWS BETWEEN UNBOUNDED PRECEDING
                                     AND UNBOUNDED FOLLOWING)
              ) version
             WHERE is_last
        ),
        moved AS (
            SELECT id, last_version, to_value, from_value, moves, last_move_at
              FROM chains WHERE complete
            UNION ALL
            SELECT id, last_version, to_value, from_value, moves, last_move_at FROM summary
        ),
        ranked AS (
            SELECT *, to_value - from_value AS change
              FROM moved
             WHERE moves > 0 AND abs(to_value - from_value) >= %(min_change)s
             ORDER BY abs(to_value - from_value) DESC, last_move_at DESC, id
             LIMIT %(limit)s OFFSET %(offset)s
        )
        {ANSWER}
          FROM ranked r
          JOIN "{HISTORY_TABLE}" h ON h.history_id = r.last_version
         ORDER BY {BY_CHANGE}
    """
    return sql, params


MOVER_FIELDS = (
    "id",
    "player_name",
    "team",
    "league",
    "season",
    "week",
    "platform",
    "market_type",
    "is_active",
    "history_type",
    "from",
    "to",
    "change",
    "moves",
    "last_move_at",
)


def movers(query: MoverQuery, using=DEFAULT_DB_ALIAS) -> list[dict]:
    """Live-board markets whose `query.by` value moved since `query.since`: the value before
    `since` (or at creation, for markets created since) → the latest, the change, how many
    versions changed the value, and when it last did; largest absolute change first."""
    if connections[using].vendor != "postgresql":
        return [_mover(row) for row in _movers_portable(query, using)]
    with connections[using].cursor() as cursor:
        cursor.execute(*chained_movers_sql(query))
        rows = cursor.fetchall()
        if rows and not rows[0][-1]:  # a market is not one chain: read versions in order
            cursor.execute(*movers_sql(query))
            rows = cursor.fetchall()
        else:
            rows = [row[:-1] for row in rows[query.offset :]]
    return [_mover(row) for row in rows]


def _movers_portable(query: MoverQuery, using) -> list[tuple]:
    """`movers_sql`'s answer computed in Python, for databases without LATERAL joins (SQLite
    in development, at demo sizes): the same rows in the same order."""
    history = HistoricalPropMarket.objects.using(using)
    recent = history.filter(
        snapshot_id__isnull=True,
        league=query.league,
        week=query.week,
        history_date__gte=query.since,
    )
    for column in ("platform", "market_type"):
        if getattr(query, column) is not None:
            recent = recent.filter(**{column: getattr(query, column)})
    by_market: dict = {}
    for version in recent.order_by("history_date", "history_id"):
        by_market.setdefault(version.id, []).append(version)
    found = []
    for market_id, versions in by_market.items():
        before = (
            history.filter(id=market_id, history_date__lt=query.since)
            .order_by("-history_date", "-history_id")
            .first()
        )
        sequence = ([before] if before else []) + versions
        values = [getattr(version, query.by) for version in sequence]
        moved = [i > 0 and values[i] != values[i - 1] for i in range(len(values))]
        first, last = values[0], values[-1]
        if not any(moved) or first is None or last is None:
            continue
        change = last - first
        if abs(change) < query.min_change:
            continue
        latest = sequence[-1]
        last_move_at = max(v.history_date for v, m in zip(sequence, moved, strict=True) if m)
        found.append(
            (
                market_id,
                latest.player_name,
                latest.team,
                latest.league,
                latest.season,
                latest.week,
                latest.platform,
                latest.market_type,
                latest.is_active,
                latest.history_type,
                first,
                last,
                change,
                sum(moved),
                last_move_at,
            )
        )
    found.sort(key=lambda row: (-abs(row[12]), -row[14].timestamp(), str(row[0])))
    return found[query.offset : query.offset + query.limit]


def _mover(row) -> dict:
    mover = dict(zip(MOVER_FIELDS, row, strict=True))
    mover["deleted"] = mover.pop("history_type") == "-"
    return mover

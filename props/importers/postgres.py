"""The PostgreSQL write path: COPY into a TEMP staging table, then one
`INSERT … ON CONFLICT DO UPDATE` and one deactivating UPDATE, each writing its history rows in
the same statement (`props.history.recording_history`). Runs inside the caller's transaction;
the staging table goes with it."""

import uuid

from django.db import ProgrammingError
from psycopg import errors, sql

from ..history import COUNT_PER_BOARD, MARKET_TABLE, recording_history
from .rows import COLUMNS, STAGED_COLUMNS

KEY = ("platform", "external_id")
# Columns that say whether a market changed; an unchanged row is neither updated nor historied.
COMPARED = [column for column in COLUMNS if column not in KEY]
STAGING_TYPES = {
    "location": "text",
    "season": "integer",
    "week": "integer",
    "line": "double precision",
    "odds": "double precision",
    "game_date": "timestamptz",
    "is_active": "boolean",
    "extra_metadata": "jsonb",
    "snapshot_id": "uuid",
}
# The boards a merge or deactivation writes: (the conflict target or board condition, the staged
# rows it takes, the snapshot they go to). One --snapshot takes every row; otherwise the live
# rows and the rows the file puts in snapshots go in one statement each (the two boards have
# different unique indexes).
LIVE_ROWS = sql.SQL("WHERE snapshot_id IS NULL")
SNAPSHOT_ROWS = sql.SQL("WHERE snapshot_id IS NOT NULL")


class DuplicateKeys(Exception):
    """The staged rows hold a key more than once (the upsert cannot apply both)."""


def _recording_history(change, *, history_type, result=COUNT_PER_BOARD):
    """`change` (a psycopg Composed) with its history rows, as props.history writes them."""
    template = recording_history(
        "{change}",
        date="%(now)s",
        history_type=history_type,
        user="%(user)s",
        reason="%(reason)s",
        result=result,
    )
    return sql.SQL(template).format(change=change)


def _ids(names, prefix=None):
    return sql.SQL(", ").join(
        sql.Identifier(prefix, name) if prefix else sql.Identifier(name) for name in names
    )


class PostgresWriter:
    def __init__(self, connection):
        self.connection = connection
        self.staging = sql.Identifier(f"import_staging_{uuid.uuid4().hex[:16]}")
        self.rows_in_snapshots = 0  # staged rows the file puts in a snapshot

    def _execute(self, query, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(query.as_string(cursor.cursor), params)
            return cursor.fetchall() if cursor.description else None

    def stage(self, rows):
        """COPY the rows (STAGED_COLUMNS tuples) into a new TEMP table; return how many."""
        columns = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(STAGING_TYPES.get(name, "text")))
            for name in STAGED_COLUMNS
        )
        self._execute(
            sql.SQL(
                "CREATE TEMP TABLE {} (seq bigint GENERATED ALWAYS AS IDENTITY, {}) ON COMMIT DROP"
            ).format(self.staging, columns)
        )
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(self.staging, _ids(STAGED_COLUMNS))
        count = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if row[-1] is not None:
                    self.rows_in_snapshots += 1
        return count

    def duplicates(self):
        """[(platform, external_id, [locations in file order])] of keys staged more than once
        for one board."""
        return self._execute(
            sql.SQL(
                "SELECT platform, external_id, array_agg(location ORDER BY seq) FROM {} "
                "GROUP BY snapshot_id, platform, external_id HAVING count(*) > 1 "
                "ORDER BY min(seq)"
            ).format(self.staging)
        )

    def drop_later_duplicates(self):
        """Keep the first row of each key (for --skip-invalid)."""
        self._execute(
            sql.SQL(
                "DELETE FROM {0} s USING {0} f WHERE s.platform = f.platform "
                "AND s.external_id = f.external_id "
                "AND s.snapshot_id IS NOT DISTINCT FROM f.snapshot_id AND s.seq > f.seq"
            ).format(self.staging)
        )

    def league_weeks(self):
        """[(league, week, rows)] staged, most rows first."""
        return self._execute(
            sql.SQL(
                "SELECT league, week, count(*) FROM {} GROUP BY league, week ORDER BY 3 DESC, 1, 2"
            ).format(self.staging)
        )

    def merge(self, *, snapshot_pk, user_pk, reason, now):
        """Upsert the staged rows into the board; return (created, updated). Raises
        DuplicateKeys, leaving the transaction to be rolled back, when a key is staged twice."""
        in_snapshots = sql.SQL("(snapshot_id, platform, external_id) WHERE snapshot_id IS NOT NULL")
        parts: list[tuple[sql.Composable, sql.Composable, sql.Composable | None]]
        if snapshot_pk:
            parts = [(in_snapshots, sql.SQL(""), sql.SQL("%(snapshot)s"))]
        else:
            parts = [
                (sql.SQL("(platform, external_id) WHERE snapshot_id IS NULL"), LIVE_ROWS, None)
            ]
            if self.rows_in_snapshots:
                parts.append(
                    (in_snapshots, self._changed_snapshot_rows(), sql.Identifier("snapshot_id"))
                )
        created = updated = 0
        for board, rows, snapshot in parts:
            part_created, part_updated = self._merge(
                board, rows, snapshot, snapshot_pk, user_pk, reason, now
            )
            created += part_created
            updated += part_updated
        return created, updated

    def _changed_snapshot_rows(self):
        """The staged rows for snapshots that are new or differ from the market they key.
        Unchanged rows are left out of the INSERT: a locked snapshot's lock trigger refuses
        even a proposed row that ON CONFLICT would then leave alone, and an export that holds
        locked snapshots must import back unchanged."""
        return sql.SQL(
            "s WHERE s.snapshot_id IS NOT NULL AND NOT EXISTS ("
            "SELECT 1 FROM {market} o WHERE o.snapshot_id = s.snapshot_id "
            "AND o.platform = s.platform AND o.external_id = s.external_id "
            "AND ({current}) IS NOT DISTINCT FROM ({incoming}))"
        ).format(
            market=sql.Identifier(MARKET_TABLE),
            current=_ids(COMPARED, "o"),
            incoming=_ids(COMPARED, "s"),
        )

    def _merge(self, board, rows, snapshot, snapshot_pk, user_pk, reason, now):
        change = sql.SQL(
            """
            INSERT INTO {market} AS m (id, snapshot_id, {columns}, created_at, updated_at)
            SELECT gen_random_uuid(), {snapshot}, {columns}, %(now)s, %(now)s
              FROM {staging} {rows}
            ON CONFLICT {board} AND external_id IS NOT NULL DO UPDATE
               SET {assignments}, updated_at = %(now)s
             WHERE ({current}) IS DISTINCT FROM ({incoming})
            RETURNING m.*, (m.xmax = 0) AS was_created
            """
        ).format(
            market=sql.Identifier(MARKET_TABLE),
            staging=self.staging,
            board=board,
            rows=rows,
            snapshot=snapshot if snapshot is not None else sql.SQL("NULL::uuid"),
            columns=_ids(COLUMNS),
            assignments=sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name)) for name in COMPARED
            ),
            current=_ids(COMPARED, "m"),
            incoming=_ids(COMPARED, "excluded"),
        )
        query = _recording_history(
            change,
            history_type="CASE WHEN was_created THEN '+' ELSE '~' END",
            result="SELECT count(*) FILTER (WHERE was_created), "
            "count(*) FILTER (WHERE NOT was_created) FROM changed",
        )
        try:
            created, updated = self._execute(
                query, {"snapshot": snapshot_pk, "user": user_pk, "reason": reason, "now": now}
            )[0]
        except ProgrammingError as exc:
            if isinstance(exc.__cause__, errors.CardinalityViolation):
                raise DuplicateKeys from exc
            raise
        return created, updated

    def deactivate_missing(self, *, snapshot_pk, user_pk, reason, now):
        """Deactivate the board's active markets of the staged platforms/leagues/weeks that the
        file no longer has (per board the rows go to); return (count, [(league, week)])."""
        if snapshot_pk:
            parts = [(sql.SQL("m.snapshot_id = %(snapshot)s"), sql.SQL(""), sql.SQL("true"))]
        else:
            parts = [
                (sql.SQL("m.snapshot_id IS NULL"), LIVE_ROWS, sql.SQL("s.snapshot_id IS NULL"))
            ]
            if self.rows_in_snapshots:
                parts.append(
                    (
                        sql.SQL("m.snapshot_id = scope.snapshot_id"),
                        SNAPSHOT_ROWS,
                        sql.SQL("s.snapshot_id = m.snapshot_id"),
                    )
                )
        found = []
        for board, rows, same_board in parts:
            change = sql.SQL(
                """
                UPDATE {market} m SET is_active = false, updated_at = %(now)s
                  FROM (SELECT DISTINCT snapshot_id, platform, league, week
                          FROM {staging} {rows}) scope
                 WHERE {board} AND m.is_active
                   AND m.platform = scope.platform AND m.league = scope.league
                   AND m.week = scope.week
                   AND NOT EXISTS (SELECT 1 FROM {staging} s
                                    WHERE s.platform = m.platform
                                      AND s.external_id = m.external_id AND {same_board})
                RETURNING m.*
                """
            ).format(
                market=sql.Identifier(MARKET_TABLE),
                staging=self.staging,
                board=board,
                rows=rows,
                same_board=same_board,
            )
            query = _recording_history(change, history_type="'~'")
            found += self._execute(
                query, {"snapshot": snapshot_pk, "user": user_pk, "reason": reason, "now": now}
            )
        return sum(count for _, _, count in found), [(league, week) for league, week, _ in found]

    def analyze(self):
        """Refresh the planner's statistics of the market table after a large import."""
        self._execute(sql.SQL("ANALYZE {}").format(sql.Identifier(MARKET_TABLE)))

    def drop(self):
        self._execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self.staging))

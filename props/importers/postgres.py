"""The PostgreSQL write path: COPY into a TEMP staging table, then one
`INSERT … ON CONFLICT DO UPDATE` and one deactivating UPDATE, each writing its history rows in
the same statement. Runs inside the caller's transaction; the staging table goes with it."""

import uuid

from django.db import ProgrammingError
from psycopg import errors, sql

from ..models import PropMarket
from .rows import COLUMNS, STAGED_COLUMNS

HISTORY_TABLE = PropMarket.history.model._meta.db_table
MARKET_TABLE = PropMarket._meta.db_table
KEY = ("platform", "external_id")
# Columns that say whether a market changed; an unchanged row is neither updated nor historied.
COMPARED = [column for column in COLUMNS if column not in KEY]
MARKET_COLUMNS = [field.column for field in PropMarket._meta.concrete_fields]
STAGING_TYPES = {
    "location": "text",
    "season": "integer",
    "week": "integer",
    "line": "double precision",
    "odds": "double precision",
    "game_date": "timestamptz",
    "is_active": "boolean",
    "extra_metadata": "jsonb",
}


class DuplicateKeys(Exception):
    """The staged rows hold a key more than once (the upsert cannot apply both)."""


def _ids(names, prefix=None):
    return sql.SQL(", ").join(
        sql.Identifier(prefix, name) if prefix else sql.Identifier(name) for name in names
    )


class PostgresWriter:
    def __init__(self, connection):
        self.connection = connection
        self.staging = sql.Identifier(f"import_staging_{uuid.uuid4().hex[:16]}")

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
        return count

    def duplicates(self):
        """[(platform, external_id, [locations in file order])] of keys staged more than once."""
        return self._execute(
            sql.SQL(
                "SELECT platform, external_id, array_agg(location ORDER BY seq) FROM {} "
                "GROUP BY platform, external_id HAVING count(*) > 1 ORDER BY min(seq)"
            ).format(self.staging)
        )

    def drop_later_duplicates(self):
        """Keep the first row of each key (for --skip-invalid)."""
        self._execute(
            sql.SQL(
                "DELETE FROM {0} s USING {0} f WHERE s.platform = f.platform "
                "AND s.external_id = f.external_id AND s.seq > f.seq"
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
        board = (
            sql.SQL("(snapshot_id, platform, external_id) WHERE snapshot_id IS NOT NULL")
            if snapshot_pk
            else sql.SQL("(platform, external_id) WHERE snapshot_id IS NULL")
        )
        query = sql.SQL(
            """
            WITH upserted AS (
                INSERT INTO {market} AS m (id, snapshot_id, {columns}, created_at, updated_at)
                SELECT gen_random_uuid(), %(snapshot)s, {columns}, %(now)s, %(now)s
                  FROM {staging}
                ON CONFLICT {board} AND external_id IS NOT NULL DO UPDATE
                   SET {assignments}, updated_at = %(now)s
                 WHERE ({current}) IS DISTINCT FROM ({incoming})
                RETURNING m.*, (m.xmax = 0) AS was_created
            ), history AS (
                INSERT INTO {history} ({market_columns}, history_date, history_type,
                                       history_user_id, history_change_reason)
                SELECT {market_columns}, %(now)s, CASE WHEN was_created THEN '+' ELSE '~' END,
                       %(user)s, %(reason)s
                  FROM upserted
            )
            SELECT count(*) FILTER (WHERE was_created), count(*) FILTER (WHERE NOT was_created)
              FROM upserted
            """
        ).format(
            market=sql.Identifier(MARKET_TABLE),
            history=sql.Identifier(HISTORY_TABLE),
            staging=self.staging,
            board=board,
            columns=_ids(COLUMNS),
            market_columns=_ids(MARKET_COLUMNS),
            assignments=sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(name)) for name in COMPARED
            ),
            current=_ids(COMPARED, "m"),
            incoming=_ids(COMPARED, "excluded"),
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
        file no longer has; return (count, [(league, week)])."""
        board = (
            sql.SQL("m.snapshot_id = %(snapshot)s")
            if snapshot_pk
            else sql.SQL("m.snapshot_id IS NULL")
        )
        query = sql.SQL(
            """
            WITH scope AS (SELECT DISTINCT platform, league, week FROM {staging}),
            gone AS (
                UPDATE {market} m SET is_active = false, updated_at = %(now)s
                  FROM scope
                 WHERE {board} AND m.is_active
                   AND m.platform = scope.platform AND m.league = scope.league
                   AND m.week = scope.week
                   AND NOT EXISTS (SELECT 1 FROM {staging} s
                                    WHERE s.platform = m.platform
                                      AND s.external_id = m.external_id)
                RETURNING m.*
            ), history AS (
                INSERT INTO {history} ({market_columns}, history_date, history_type,
                                       history_user_id, history_change_reason)
                SELECT {market_columns}, %(now)s, '~', %(user)s, %(reason)s FROM gone
            )
            SELECT league, week, count(*) FROM gone GROUP BY league, week
            """
        ).format(
            market=sql.Identifier(MARKET_TABLE),
            history=sql.Identifier(HISTORY_TABLE),
            staging=self.staging,
            board=board,
            market_columns=_ids(MARKET_COLUMNS),
        )
        found = self._execute(
            query, {"snapshot": snapshot_pk, "user": user_pk, "reason": reason, "now": now}
        )
        return sum(count for _, _, count in found), [(league, week) for league, week, _ in found]

    def drop(self):
        self._execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self.staging))

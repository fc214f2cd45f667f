"""Prop-market writes that record their history rows in the same SQL statement (PostgreSQL).

Set-based writes (admin bulk actions, capture, the importer's merge and deactivation) bypass
django-simple-history's signals: a data-modifying CTE changes the rows and inserts one history
row per row the change RETURNed, so history cannot miss a row or record one that did not change.
This is the one place that SQL is written; the callers give the change and the history values.
"""

from itertools import pairwise

from .models import PropMarket

MARKET_TABLE = PropMarket._meta.db_table
HISTORY_TABLE = PropMarket.history.model._meta.db_table
MARKET_COLUMNS = [field.column for field in PropMarket._meta.concrete_fields]
# History reasons are a varchar(100) (django-simple-history's column).
REASON_LENGTH = PropMarket.history.model._meta.get_field("history_change_reason").max_length

# What most writes answer: how many rows changed per board, for the cache invalidation.
COUNT_PER_BOARD = "SELECT league, week, count(*) FROM changed GROUP BY league, week"


def quoted(columns, prefix=None) -> str:
    return ", ".join(f'{prefix}."{column}"' if prefix else f'"{column}"' for column in columns)


def recording_history(change, *, date, history_type, user, reason, result=COUNT_PER_BOARD) -> str:
    """The statement that runs `change` and records a history row for each row it returns.

    `change` is an INSERT/UPDATE/DELETE of prop_markets RETURNING at least every market column
    (`RETURNING m.*`); it may return more columns, which the history values may use. `date`,
    `history_type`, `user` and `reason` are SQL expressions over those columns or placeholders
    (the caller's parameter style). `result` is the statement's answer, a SELECT over `changed`.
    Parameters are taken in text order: those of `change`, then date … reason, then `result`'s.
    """
    columns = quoted(MARKET_COLUMNS)
    return f"""
        WITH changed AS ({change}),
        recorded AS (
            INSERT INTO "{HISTORY_TABLE}" ({columns}, history_date, history_type,
                                          history_user_id, history_change_reason)
            SELECT {columns}, {date}, {history_type}, {user}, left({reason}, {REASON_LENGTH})
              FROM changed
        )
        {result}
    """


def history_reason(description, reason="") -> str | None:
    """A history reason: what the write did, then the reason staff gave (either may be empty);
    None when there is neither."""
    text = ": ".join(part for part in (description, (reason or "").strip()) if part)
    return text[:REASON_LENGTH] or None


# --- each history row's previous version (migration 0012) --------------------------------------

# Rows of the markets whose id is in [low, high] that do not yet carry their previous version:
# the market's versions in (history_date, history_id) order, as the insert trigger of 0012
# fills them for new rows.
BACKFILL_PREVIOUS_VERSIONS = f"""
    UPDATE "{HISTORY_TABLE}" h
       SET prev_line = p.prev_line, prev_odds = p.prev_odds,
           prev_history_date = p.prev_history_date, version_number = p.version_number
      FROM (SELECT history_id,
                   lag(line) OVER w AS prev_line, lag(odds) OVER w AS prev_odds,
                   lag(history_date) OVER w AS prev_history_date,
                   row_number() OVER w AS version_number
              FROM "{HISTORY_TABLE}"
             WHERE id BETWEEN %s AND %s
            WINDOW w AS (PARTITION BY id ORDER BY history_date, history_id)) p
     WHERE h.history_id = p.history_id
       AND (h.prev_line, h.prev_odds, h.prev_history_date, h.version_number)
           IS DISTINCT FROM (p.prev_line, p.prev_odds, p.prev_history_date, p.version_number)
"""


def id_ranges(parts: int) -> list[tuple[str, str]]:
    """`parts` consecutive inclusive [low, high] ranges covering every UUID (the ids are uuid4,
    so each range holds about the same share of the markets)."""

    def uuid_text(number):
        text = f"{number:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    edges = [(2**128 * n) // parts for n in range(parts + 1)]
    return [(uuid_text(low), uuid_text(high - 1)) for low, high in pairwise(edges)]

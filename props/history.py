"""Prop-market writes that record their history rows in the same SQL statement (PostgreSQL).

Set-based writes (admin bulk actions, capture, the importer's merge and deactivation) bypass
django-simple-history's signals: a data-modifying CTE changes the rows and inserts one history
row per row the change RETURNed, so history cannot miss a row or record one that did not change.
This is the one place that SQL is written; the callers give the change and the history values.
"""

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

"""The board page's SQL, compiled once per page shape, is exactly what the ORM compiles."""

import datetime
import decimal
import itertools
import uuid

import pytest

from props.api import board_page
from props.api.board_page import board_queryset
from props.api.pagination import ORDERING_CHOICES, Cursor, page_queryset
from props.selectors import market_tuples

pytestmark = pytest.mark.django_db

CURSOR_VALUES = {
    "player_name": ["Patrick Mahomes", "Zed O'Brien"],
    "line": [275.5, 0.5],
    "game_date": [
        datetime.datetime(2024, 10, 6, 17, 0, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
    ],
    "updated_at": [
        datetime.datetime(2024, 10, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2023, 1, 2, tzinfo=datetime.UTC),
    ],
}
BOARDS = [
    {"league": league, "week": week, "is_active": is_active}
    for league, week, is_active in itertools.product(
        ["NFL", None], [decimal.Decimal(5), None], [True, False, None]
    )
]


def board_page_sql(values, *, ordering, cursor, size):
    """(sql, params) the board page binds into its shape's compiled template (the private
    `_bind`: this test is what pins it to the ORM)."""
    sql, params, _ = board_page._bind(values, ordering, cursor, size)
    return sql, params


def orm_sql(values, **page):
    return market_tuples(page_queryset(board_queryset(values), **page)).query.sql_with_params()


@pytest.mark.parametrize("ordering", ORDERING_CHOICES)
@pytest.mark.parametrize("direction", [None, "forward", "backwards"])
def test_board_page_sql_is_what_the_orm_compiles_for_every_shape(ordering, direction):
    field = ordering.lstrip("-")
    for values in BOARDS:
        for size in (1, 100):
            # Two requests of each shape: the second binds its values into the first's SQL.
            for number, cursor_value in enumerate(CURSOR_VALUES[field]):
                cursor = None
                if direction is not None:
                    row_id = uuid.UUID(int=number + 1)
                    cursor = Cursor(ordering, cursor_value, row_id, direction == "backwards")
                board = {**values, "week": values["week"] and values["week"] + number}
                page = {"ordering": ordering, "cursor": cursor, "size": size}

                assert board_page_sql(board, **page) == orm_sql(board, **page)

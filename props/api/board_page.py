"""The hot board read (`?league=&week=&is_active=` with paging only) without per-request ORM work,
when settings.BOARD_FAST_PATH is on (the list takes the FilterSet's path otherwise).

Most of a board page request's time went on compiling the page's SQL and on building and
validating the FilterSet's form (profiles in BENCHMARKS.md). Here:

- The filters are validated and applied by the FilterSet's own filters and form fields
  (`PropMarketFilterSet.base_filters`), field by field, with the FilterSet's error messages:
  one definition of each filter, without a form and deep copies per request. Any other
  parameter sends the request through the full FilterSet.
- The page's SQL is compiled by the ORM once per shape (which filters are given, `is_active`'s
  value, ordering, cursor direction, page size): the shape is compiled with stand-in values,
  the positions of the stand-ins among the parameters are remembered, and each request binds
  its own values there, converted as the ORM converted the stand-ins (the 512 most recently
  used shapes are kept: page sizes alone make many). `tests/perf/test_board_page.py` compares
  the result with a fresh compile for every shape.
"""

import datetime
import decimal
import functools
import uuid

from django import forms
from django.db import connections
from django_filters.constants import EMPTY_VALUES
from rest_framework.exceptions import ValidationError

from ..filtersets.markets import PropMarketFilterSet
from ..models import PropMarket
from ..selectors import market_tuples
from .board_rows import json_rows, market_json_rows, reads_rows_directly
from .pagination import CURSOR_PARAM, ORDERING_PARAM, PAGE_SIZE_PARAM, Cursor, page_queryset

BOARD_FILTERS = ("league", "week", "is_active")
BOARD_PARAMS = frozenset((*BOARD_FILTERS, CURSOR_PARAM, ORDERING_PARAM, PAGE_SIZE_PARAM))

# Stand-ins for the values a request binds: pairwise unequal, unequal to the query's constants,
# and inside the columns' ranges (the ORM turns an out-of-range integer into another query).
_STAND_INS = {
    "league": "\x01league\x01",
    "week": decimal.Decimal(32123),
    "cursor_id": uuid.UUID(int=0x5EED_5EED_5EED),
}
_CURSOR_STAND_INS = {
    "player_name": "\x01cursor\x01",
    "line": -32123.25,
    "game_date": datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC),
    "updated_at": datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC),
}


def board_filter_values(query_params):
    """The cleaned `league`, `week` and `is_active` when the query has no other parameters than
    those and paging; None when the FilterSet must handle it. Invalid values are a 400 with the
    FilterSet's field errors."""
    if not query_params.keys() <= BOARD_PARAMS:
        return None
    values, errors = {}, {}
    for name in BOARD_FILTERS:
        field = PropMarketFilterSet.base_filters[name].field
        try:
            values[name] = field.clean(field.widget.value_from_datadict(query_params, {}, name))
        except forms.ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return values


def board_queryset(values, using=None):
    """The markets matching the cleaned board `values`, filtered by the FilterSet's filters."""
    queryset = PropMarket.objects.using(using)
    for name in BOARD_FILTERS:
        queryset = PropMarketFilterSet.base_filters[name].filter(queryset, values[name])
    return queryset


def board_page_rows(values, *, using, ordering, cursor, size):
    """One page of the board `values` from database `using` as market JSON rows (see
    `KeysetPagination.paginate_rows`)."""
    connection = connections[using]
    if not reads_rows_directly(connection):
        page = page_queryset(
            board_queryset(values, using), ordering=ordering, cursor=cursor, size=size
        )
        return market_json_rows(page)
    sql, params, preparable = _bind(values, ordering, cursor, size)
    return json_rows(connection, sql, params, prepared=preparable)


def _bind(values, ordering, cursor, size):
    given = tuple(name for name in BOARD_FILTERS if values[name] not in EMPTY_VALUES)
    backwards = cursor.backwards if cursor is not None else None
    sql, slots, preparable = _template(given, values["is_active"], ordering, backwards, size)
    bound = {**values}
    if cursor is not None:
        bound.update(cursor_id=cursor.row_id, cursor=cursor.value)
    params = tuple(value if name is None else cast(bound[name]) for name, cast, value in slots)
    return sql, params, preparable


@functools.lru_cache(maxsize=512)
def _template(given, is_active, ordering, backwards, size):
    """(sql, slots, preparable) of a page shape: each slot is (value name, converter, None) for
    a bound value, or (None, None, constant) for a parameter the shape fixes. Only shapes whose
    every parameter is a request's value are preparable: a constant (game_date's NULL sort key)
    would make a generic plan's ORDER BY differ from the index expression."""
    stand_ins = {name: _STAND_INS[name] for name in ("league", "week") if name in given}
    stand_ins["is_active"] = is_active
    cursor = None
    if backwards is not None:
        stand_ins["cursor_id"] = _STAND_INS["cursor_id"]
        stand_ins["cursor"] = _CURSOR_STAND_INS[ordering.lstrip("-")]
        cursor = Cursor(ordering, stand_ins["cursor"], stand_ins["cursor_id"], backwards)
    values = {name: stand_ins.get(name) for name in BOARD_FILTERS}
    page = page_queryset(board_queryset(values), ordering=ordering, cursor=cursor, size=size)
    sql, params = market_tuples(page).query.sql_with_params()
    slots = []
    for param in params:
        name = _stand_in_name(param, stand_ins)
        if name is None:
            slots.append((None, None, param))
        else:
            stand_in = stand_ins[name]
            cast = _same if type(param) is type(stand_in) else type(param)
            slots.append((name, cast, None))
    preparable = all(name is not None for name, _, _ in slots)
    return sql, tuple(slots), preparable


def _stand_in_name(param, stand_ins):
    for name, stand_in in stand_ins.items():
        if name != "is_active" and type(param) is not bool and param == stand_in:
            return name
    return None


def _same(value):
    return value

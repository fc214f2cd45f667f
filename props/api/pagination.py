"""Keyset (cursor) pagination for prop markets: no COUNT and no OFFSET over the big table.

A page is `ORDER BY <field>, id LIMIT page_size + 1` after the position of the previous page's
last row, written as a row comparison `(<field>, id) > (value, id)` that PostgreSQL answers from
the `(<field>, id)`-ordered indexes, so page 1,000 costs what page 1 costs. Cursors are signed
(a tampered or foreign cursor is a 400, never a 500) and carry the ordering they belong to.

`KeysetPagination` is the DRF pagination class: `paginate_queryset` pages model instances,
`paginate_rows` pages rows read by the caller (the board list reads its rows for orjson).
"""

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..models import GAME_DATE_SORT_KEY, NO_GAME_DATE_SORTS_AS

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
ORDERING_PARAM = "ordering"
DEFAULT_ORDERING = "player_name"
# Orderable fields -> how a cursor stores their value (str in JSON) and reads it back.
ORDERINGS = {
    "player_name": str,
    "line": float,
    "game_date": datetime.datetime.fromisoformat,
    "updated_at": datetime.datetime.fromisoformat,
}
# The sort key of each ordering: the field itself, except game_date, whose NULLs sort through a
# NOT NULL key (they come last, ascending) with an index of its own.
SORT_KEYS = {"game_date": GAME_DATE_SORT_KEY}
ORDERING_CHOICES = [f"{sign}{name}" for name in ORDERINGS for sign in ("", "-")]
_SALT = "props.api.pagination.cursor"


def whole_number(raw):
    """`raw` as a non-negative int when it is one written in ASCII digits (at most 9), else
    None: int() alone would accept '+5' and ' 5' and fail on '²' or on 5,000 digits."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    return None


def page_size(request):
    """`page_size` from the query: an integer from 1, capped at API_MAX_PAGE_SIZE."""
    raw = request.query_params.get(PAGE_SIZE_PARAM)
    if raw is None:
        return settings.API_PAGE_SIZE
    size = whole_number(raw)
    if not size:
        raise ValidationError({PAGE_SIZE_PARAM: ["Must be a whole number of at least 1."]})
    return min(size, settings.API_MAX_PAGE_SIZE)


def ordering(request):
    value = request.query_params.get(ORDERING_PARAM) or DEFAULT_ORDERING
    if value not in ORDERING_CHOICES:
        raise ValidationError(
            {
                ORDERING_PARAM: [
                    f"Unknown ordering {value!r}; use one of {', '.join(ORDERING_CHOICES)}."
                ]
            }
        )
    return value


class Cursor:
    """A position in an ordering: the last (or, going back, the first) row's value and id."""

    def __init__(self, ordering, value, row_id, backwards=False):
        self.ordering, self.value, self.row_id, self.backwards = ordering, value, row_id, backwards

    @classmethod
    def of_row(cls, ordering, row, backwards=False):
        """The position of `row`: a dict of the ordering field and id, or a model instance."""
        field = ordering.lstrip("-")
        value = row[field] if isinstance(row, dict) else getattr(row, field)
        row_id = row["id"] if isinstance(row, dict) else row.pk
        if value is None and field == "game_date":
            value = NO_GAME_DATE_SORTS_AS
        return cls(ordering, value, row_id, backwards)

    def encode(self):
        value = self.value.isoformat() if isinstance(self.value, datetime.datetime) else self.value
        payload = [self.ordering, value, str(self.row_id), self.backwards]
        return signing.dumps(payload, salt=_SALT, compress=False)

    @classmethod
    def decode(cls, token, expected_ordering):
        try:
            order, value, row_id, backwards = signing.loads(token, salt=_SALT)
            field = order.lstrip("-")
            parsed = ORDERINGS[field](value)
            cursor = cls(order, parsed, uuid.UUID(row_id), bool(backwards))
        except (signing.BadSignature, ValueError, TypeError, KeyError):
            raise ValidationError(
                {CURSOR_PARAM: ["Invalid cursor: use the next/previous links as given."]}
            ) from None
        if order != expected_ordering:
            raise ValidationError(
                {
                    CURSOR_PARAM: [
                        f"This cursor belongs to ordering {order!r}, not {expected_ordering!r}."
                    ]
                }
            )
        return cursor


def sort_key(field):
    return SORT_KEYS.get(field) or F(field)


def ordered(queryset, ordering, *, backwards=False):
    """`queryset` in `ordering` (ties broken by id); `backwards` reverses it."""
    key = sort_key(ordering.lstrip("-"))
    if ordering.startswith("-") != backwards:
        return queryset.order_by(key.desc(), F("id").desc())
    return queryset.order_by(key.asc(), F("id").asc())


def after(ordering, cursor):
    """Rows after `cursor` in `ordering` (before it when the cursor goes backwards): one row
    comparison on (sort key, id), which the (sort key, id) indexes answer."""
    key = Tuple(sort_key(ordering.lstrip("-")), F("id"))
    position = (cursor.value, cursor.row_id)
    if ordering.startswith("-") != cursor.backwards:
        return TupleLessThan(key, position)
    return TupleGreaterThan(key, position)


def page_queryset(queryset, *, ordering, cursor=None, size):
    """The query of one page: `size + 1` rows (the extra one says whether more follow)."""
    backwards = bool(cursor and cursor.backwards)
    page = ordered(queryset, ordering, backwards=backwards)
    if cursor is not None:
        page = page.filter(after(ordering, cursor))
    return page[: size + 1]


def _link(url, cursor):
    if cursor is None:
        return None
    return replace_query_param(remove_query_param(url, CURSOR_PARAM), CURSOR_PARAM, cursor.encode())


class KeysetPagination(BasePagination):
    """Cursor pages of prop markets: `?cursor=&page_size=&ordering=`, `next`/`previous` links."""

    next_link = previous_link = None

    def paginate_queryset(self, queryset, request, view=None):
        """The page of `queryset` (model instances) that `request` asks for."""
        return self.paginate_rows(
            request, rows_of=lambda **page: list(page_queryset(queryset, **page))
        )

    def paginate_rows(self, request, *, rows_of):
        """The page's rows, read by `rows_of(ordering=, cursor=, size=)`: one query, usually of
        `page_queryset`, returning `size + 1` rows at most (dicts carrying `id` and the
        ordering field, or model instances)."""
        order = ordering(request)
        size = page_size(request)
        token = request.query_params.get(CURSOR_PARAM)
        cursor = Cursor.decode(token, order) if token else None
        rows = rows_of(ordering=order, cursor=cursor, size=size)
        more = len(rows) > size
        rows = rows[:size]
        if cursor is not None and cursor.backwards:
            rows.reverse()
            next_cursor = Cursor.of_row(order, rows[-1]) if rows else None
            previous_cursor = Cursor.of_row(order, rows[0], backwards=True) if more else None
        else:
            next_cursor = Cursor.of_row(order, rows[-1]) if more else None
            previous_cursor = (
                Cursor.of_row(order, rows[0], backwards=True)
                if cursor is not None and rows
                else None
            )
        url = request.build_absolute_uri()
        self.next_link, self.previous_link = _link(url, next_cursor), _link(url, previous_cursor)
        return rows

    def get_paginated_data(self, data):
        return {"next": self.next_link, "previous": self.previous_link, "results": data}

    def get_paginated_response(self, data):
        return Response(self.get_paginated_data(data))

    def get_schema_operation_parameters(self, view):
        def query(name, schema, description):
            return {
                "name": name,
                "in": "query",
                "required": False,
                "schema": schema,
                "description": description,
            }

        return [
            query(
                CURSOR_PARAM,
                {"type": "string"},
                "Opaque position from a previous page's `next`/`previous` link.",
            ),
            query(
                PAGE_SIZE_PARAM,
                {"type": "integer", "minimum": 1},
                f"Rows per page (default {settings.API_PAGE_SIZE}, capped at "
                f"{settings.API_MAX_PAGE_SIZE}).",
            ),
            query(
                ORDERING_PARAM,
                {"type": "string", "enum": ORDERING_CHOICES},
                f"Sort field, `-` for descending; ties are broken by id. Default "
                f"`{DEFAULT_ORDERING}`.",
            ),
        ]

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

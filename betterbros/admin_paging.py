"""Changelist paging for tables too big to COUNT on every page view, where every row stays
reachable.

- The count is exact up to EXACT_COUNT_LIMIT matching rows (a bounded COUNT) and numbered pages
  are used (their OFFSET stays under the limit, so cheap). A page past the end shows the last
  page with a message, on the same URL (filters kept).
- Beyond the limit the count is PostgreSQL's estimate, labelled "about", and the list is paged
  by keyset: First / Previous / Next / Last links carry the sort values of the row at the edge
  of the page (`after` / `before` / `last`), so any page, however deep, is one index range read
  (no OFFSET 500,000) and the last page is really the last. The changelist's ordering always
  ends in a unique column (Django adds `-pk`), the tiebreaker that makes the keyset exact.
- `n` chooses the page size (PAGE_SIZES); like the filters it is kept in every link.

`PagedAdminMixin` gives a ModelAdmin all of this; accounts' user admin uses it too.
"""

import base64
import datetime
import json

from django.contrib import messages
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact COUNT is cheap, so it is always exact.
EXACT_COUNT_LIMIT = 10_000
PAGE_SIZES = (25, 50, 100, 200, 500)
PER_PAGE_VAR = "n"
AFTER_VAR = "after"
BEFORE_VAR = "before"
LAST_VAR = "last"
CURSOR_VARS = (AFTER_VAR, BEFORE_VAR, LAST_VAR)


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to EXACT_COUNT_LIMIT rows and estimates beyond.

    Unfiltered, a table's size comes from PostgreSQL's statistics (pg_class.reltuples, kept by
    autovacuum/ANALYZE) instead of a COUNT that reads the whole table. Filtered, at most
    EXACT_COUNT_LIMIT + 1 matching rows are counted; past that, the planner's row estimate is
    used. `is_estimate` tells the template to say "about" (and the changelist to page by
    keyset). Other databases count exactly.
    """

    is_estimate = False

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = table_row_estimate(queryset)
            if estimate > EXACT_COUNT_LIMIT:
                self.is_estimate = True
                return estimate
        bounded = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if bounded <= EXACT_COUNT_LIMIT:
            return bounded
        self.is_estimate = True
        return max(planner_row_estimate(queryset), bounded)

    @property
    def count_label(self) -> str:
        """The count as staff should read it: exact, "about N", or "more than N" when the
        statistics (e.g. right after a bulk import) know no better than the bounded count."""
        count = self.count
        if not self.is_estimate:
            return f"{count:,}"
        if count <= EXACT_COUNT_LIMIT + 1:
            return f"more than {EXACT_COUNT_LIMIT:,}"
        return f"about {count:,}"


def table_row_estimate(queryset) -> int:
    """The table's row count from pg_class (-1 when the table was never analyzed)."""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else -1


def planner_row_estimate(queryset) -> int:
    """How many rows PostgreSQL's planner expects the query to return (EXPLAIN, not run)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def page_size(value, default) -> int:
    """The page size asked for in `?n=`, if it is one of PAGE_SIZES."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


class SortKey:
    """One column of the changelist's ordering, as keyset paging needs it."""

    def __init__(self, index, expression, descending, nullable):
        self.alias = f"keyset_{index}"
        self.expression = expression
        self.descending = descending
        self.nullable = nullable

    def order(self, reverse=False):
        # PostgreSQL's defaults (NULLS LAST ascending, FIRST descending), which its btree
        # indexes follow; `strictly_after` assumes them.
        return OrderBy(F(self.alias), descending=self.descending != reverse)

    def equal(self, value):
        return Q(**{f"{self.alias}__isnull": True}) if value is None else Q(**{self.alias: value})

    def strictly_after(self, value, reverse=False):
        descending = self.descending != reverse
        if value is None:  # NULLs come last ascending, first descending
            return Q(**{f"{self.alias}__isnull": False}) if descending else Q(pk__in=[])
        after = Q(**{f"{self.alias}__{'lt' if descending else 'gt'}": value})
        if self.nullable and not descending:
            after |= Q(**{f"{self.alias}__isnull": True})
        return after

    def range_start(self, value, reverse=False):
        """A condition implied by `after` that an index on this column can start from."""
        if value is None or self.nullable:
            return Q()
        return Q(**{f"{self.alias}__{'lte' if self.descending != reverse else 'gte'}": value})


def sort_keys(queryset) -> list[SortKey] | None:
    """The queryset's ordering as SortKeys, or None if it cannot be paged by keyset (random or
    explicit NULLS placement)."""
    opts = queryset.model._meta
    keys = []
    for index, part in enumerate(queryset.query.order_by):
        if isinstance(part, str):
            if part == "?":
                return None
            name = part.lstrip("-")
            name = opts.pk.attname if name == "pk" else name
            keys.append(SortKey(index, F(name), part.startswith("-"), _nullable(opts, name)))
        elif isinstance(part, OrderBy):
            if part.nulls_first or part.nulls_last:
                return None
            keys.append(SortKey(index, part.expression, part.descending, nullable=True))
        elif isinstance(part, F):
            keys.append(SortKey(index, part, False, _nullable(opts, part.name)))
        else:
            keys.append(SortKey(index, part, False, nullable=True))
    return keys or None


def _nullable(opts, name) -> bool:
    if "__" in name:
        return True  # through a relation: the related row may be missing
    try:
        return opts.get_field(name).null
    except FieldDoesNotExist:
        return True


class CursorEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds: it cuts them to milliseconds, and
    a cursor that rounds its position skips the rows between the rounded and the real value."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def encode_cursor(values) -> str:
    raw = json.dumps(values, cls=CursorEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text, length) -> list:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    values = json.loads(raw)
    if not isinstance(values, list) or len(values) != length:
        raise ValueError("not a cursor of this ordering")
    return values


class PagedChangeList(ChangeList):
    """A ChangeList that pages as the module docstring says."""

    keyset = False
    has_previous = has_next = False
    first_url = previous_url = next_url = last_url = None

    def get_queryset(self, request, exclude_parameters=None):
        # Cursors place the page; they are kept out of the filters and of every link the page
        # builds (a new filter or sort starts at the top). The page size is no filter either,
        # but stays in the links.
        self.cursor = {name: self.params.pop(name) for name in CURSOR_VARS if name in self.params}
        for name in CURSOR_VARS:
            self.filter_params.pop(name, None)
        self.list_per_page = page_size(self.params.get(PER_PAGE_VAR), self.list_per_page)
        return super().get_queryset(request, exclude_parameters)

    def get_ordering(self, request, queryset):
        # A list sorted from its column headers sorts by the clicked column, then by the
        # primary key in the same direction: Django would carry the other sorted columns along
        # and end with "-pk" whatever the direction, which no index serves, so every page
        # sorted the whole filtered list (650 ms for a sort by line at 1M markets). The
        # (column, id) indexes serve one column both ways.
        ordering = list(super().get_ordering(request, queryset))
        if ORDER_VAR in self.params and len(ordering) > 1:
            ordering = [ordering[0], *(key for key in ordering[1:] if key in ("pk", "-pk"))]
        if len(ordering) >= 2 and ordering[-1] in ("pk", "-pk"):
            key = ordering[-2]
            descending = (
                key.startswith("-") if isinstance(key, str) else getattr(key, "descending", False)
            )
            ordering[-1] = "-pk" if descending else "pk"
        return ordering

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(PER_PAGE_VAR, None)
        return lookup_params

    def get_results(self, request):
        paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        self.paginator = paginator
        self.result_count = paginator.count
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.full_result_count = self.root_queryset.count() if self.show_full_result_count else None
        self.show_admin_actions = not self.show_full_result_count or bool(self.full_result_count)
        self.can_show_all = (
            not getattr(paginator, "is_estimate", False)
            and self.result_count <= self.list_max_show_all
        )
        estimated = getattr(paginator, "is_estimate", False)
        # An estimate may be below the page size while the rows are not: pages are then found
        # by reading them, never decided from the estimate.
        self.multi_page = estimated or self.result_count > self.list_per_page
        keys = sort_keys(self.queryset) if estimated else None
        if (self.show_all and self.can_show_all) or not self.multi_page:
            self.result_list = self.queryset._clone()
        elif keys is not None:
            self.keyset = True
            self.result_list = self._keyset_page(request, keys)
        else:
            self.result_list = self._numbered_page(request, paginator)

    def _numbered_page(self, request, paginator):
        last = paginator.num_pages
        if not 1 <= self.page_num <= last:
            messages.info(
                request,
                f"There is no page {self.page_num} of this list: showing page "
                f"{1 if self.page_num < 1 else last} of {last}.",
            )
            self.page_num = 1 if self.page_num < 1 else last
        return paginator.page(self.page_num).object_list

    def _keyset_page(self, request, keys):
        per_page = self.list_per_page
        ordered = self.queryset.annotate(**{key.alias: key.expression for key in keys})
        forward = [key.order() for key in keys]
        backward = [key.order(reverse=True) for key in keys]
        name, cursor = next(iter(self.cursor.items()), (None, None))
        values = None
        if name in (AFTER_VAR, BEFORE_VAR):
            try:
                values = decode_cursor(cursor, len(keys))
                beyond = ordered.filter(_beyond(keys, values, reverse=name == BEFORE_VAR))
            except (ValueError, TypeError, ValidationError):
                messages.warning(request, "That page link is not valid: showing the first page.")
                name = None
        if name == AFTER_VAR:
            rows = list(beyond.order_by(*forward)[: per_page + 1])
            self.has_previous, self.has_next = True, len(rows) > per_page
            rows = rows[:per_page]
        elif name == BEFORE_VAR:
            rows = list(beyond.order_by(*backward)[: per_page + 1])
            self.has_previous, self.has_next = len(rows) > per_page, True
            rows = rows[:per_page][::-1]
        elif name == LAST_VAR or self._too_deep_to_number(request, per_page):
            name, rows = LAST_VAR, []
        else:
            rows = self._first_rows(ordered.order_by(*forward), per_page)
        if not rows and name != BEFORE_VAR:
            if name != LAST_VAR:
                messages.info(request, "There are no rows past that page: showing the last page.")
            rows = list(ordered.order_by(*backward)[: per_page + 1])
            self.has_previous, self.has_next = len(rows) > per_page, False
            rows = rows[:per_page][::-1]
        elif not rows:
            rows = list(ordered.order_by(*forward)[: per_page + 1])
            self.has_previous, self.has_next = False, len(rows) > per_page
            rows = rows[:per_page]
        self._link_pages(keys, rows)
        return _evaluated(ordered.order_by(*forward), rows)

    def _too_deep_to_number(self, request, per_page):
        """Page `?p=` past the rows an OFFSET may skip cheaply: most likely a link past the end
        of the list (whose length is only estimated), so the last page is shown."""
        if (self.page_num - 1) * per_page <= EXACT_COUNT_LIMIT:
            return False
        messages.info(
            request,
            f"Page {self.page_num} is too deep to number in a list this big: showing the last "
            "page; use Previous, Next and First from there.",
        )
        return True

    def _first_rows(self, ordered, per_page):
        """The first page, or page `?p=` while its OFFSET stays cheap (a link kept from before
        the list grew past the exact count)."""
        offset = max(0, (self.page_num - 1) * per_page)
        rows = list(ordered[offset : offset + per_page + 1])
        self.has_previous, self.has_next = offset > 0, len(rows) > per_page
        return rows[:per_page]

    def _link_pages(self, keys, rows):
        def values(row):
            return [getattr(row, key.alias) for key in keys]

        if rows and self.has_previous:
            self.first_url = self.get_query_string(remove=[PAGE_VAR])
            self.previous_url = self.get_query_string({BEFORE_VAR: encode_cursor(values(rows[0]))})
        if rows and self.has_next:
            self.next_url = self.get_query_string({AFTER_VAR: encode_cursor(values(rows[-1]))})
            self.last_url = self.get_query_string({LAST_VAR: 1})

    @property
    def page_size_links(self):
        return [
            (size, self.get_query_string({PER_PAGE_VAR: size}), size == self.list_per_page)
            for size in PAGE_SIZES
        ]

    @property
    def count_label(self) -> str:
        label = getattr(self.paginator, "count_label", None)
        return label if label is not None else f"{self.result_count:,}"


def _beyond(keys, values, reverse=False):
    """Rows strictly after `values` in the keys' order (before them when `reverse`): the
    lexicographic comparison, plus the first key's range for the index to start from."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= equal & key.strictly_after(value, reverse)
        equal &= key.equal(value)
    return keys[0].range_start(values[0], reverse) & condition


def _evaluated(queryset, rows):
    """`queryset` already evaluated to `rows`: the changelist's formset needs a queryset, and
    reading the page again would cost a query."""
    queryset = queryset._chain()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


class PagedAdminMixin:
    """For a ModelAdmin: the paging above and the page-size choice."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 100

    def get_changelist(self, request, **kwargs):
        return PagedChangeList

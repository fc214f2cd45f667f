"""Every change to prop markets in one list, newest first: line, odds and active state old → new,
board, who, when and why (admin edits, bulk actions, captures, imports). Read-only; each
market's own history page is linked.

At a million history rows each filter (date range, staff member, platform, league, week) is an
index range read in list order and the player-name search the trigram index (migration 0008).
The old values are each listed version's previous version of the same market, found by one
index probe per listed row (a correlated subquery PostgreSQL runs after the LIMIT), so nothing
extra is stored and no query runs per row in Python.
"""

import datetime
import functools
import uuid

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from betterbros.admin_read_only import ReadOnlyAdminMixin

from ..models import PropMarket
from ..odds import format_odds
from ..search import MIN_SEARCH_LENGTH, filter_player_name
from .base import BaseAdmin
from .filters import InputFilter, WeekFilter

HistoricalPropMarket = PropMarket.history.model
COMPARED = ["line", "odds", "is_active"]


class ChangedByFilter(admin.SimpleListFilter):
    """Staff who changed markets (listing every user of the product would not scale)."""

    title = "changed by"
    parameter_name = "changed_by"

    def lookups(self, request, model_admin):
        staff = HistoricalPropMarket.history_user.field.related_model.objects.filter(is_staff=True)
        return [(str(user.pk), user.email) for user in staff.order_by("email")]

    def queryset(self, request, queryset):
        try:
            return (
                queryset.filter(history_user=uuid.UUID(self.value())) if self.value() else queryset
            )
        except ValueError:
            return queryset.none()


class DateBoundFilter(InputFilter):
    """A date typed into a box (YYYY-MM-DD): changes from that day on, or up to that day
    (inclusive), in the site's time zone."""

    lookup = None  # "gte" (from) or "lt" (until, the next day's midnight)

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            messages.warning(
                request, f"{self.title.capitalize()} must be a date (YYYY-MM-DD); not filtered."
            )
            return queryset
        if self.lookup == "lt":
            day += datetime.timedelta(days=1)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return queryset.filter(**{f"history_date__{self.lookup}": moment})


class ChangedFromFilter(DateBoundFilter):
    title = "changed from (date)"
    parameter_name = "from"
    lookup = "gte"


class ChangedUntilFilter(DateBoundFilter):
    title = "changed until (date)"
    parameter_name = "until"
    lookup = "lt"


@admin.register(HistoricalPropMarket)
class MarketChangeAdmin(ReadOnlyAdminMixin, BaseAdmin):
    list_display = [
        "history_date",
        "market",
        "market_type",
        "league",
        "week",
        "platform",
        "board",
        "line_change",
        "odds_change",
        "active_change",
        "history_type",
        "history_user",
        "history_change_reason",
    ]
    list_display_links = None
    list_filter = [
        ChangedFromFilter,
        ChangedUntilFilter,
        ChangedByFilter,
        "platform",
        "league",
        WeekFilter,
        "history_type",
    ]
    list_select_related = ["history_user", "snapshot"]
    search_fields = ["player_name", "id"]  # see get_search_results
    search_help_text = (
        f"Part of a player's name ({MIN_SEARCH_LENGTH}+ letters, any case, accents ignored), "
        "or a prop market's id for every version of that market."
    )
    sortable_by = ["history_date"]
    ordering = ["-history_date", "-history_id"]

    def get_queryset(self, request):
        earlier = HistoricalPropMarket.objects.filter(
            id=OuterRef("id"), history_id__lt=OuterRef("history_id")
        ).order_by("-history_id")
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"previous_{name}": Subquery(earlier.values(name)[:1])
                    for name in [*COMPARED, "history_id"]
                }
            )
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.__class__ = counting_rows_only(type(paginator))
        return paginator

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(id=uuid.UUID(term)), False
        except ValueError:
            pass
        if len(term) < MIN_SEARCH_LENGTH:
            self.message_user(
                request,
                f"Names are searched from {MIN_SEARCH_LENGTH} characters; nothing was searched.",
                messages.WARNING,
            )
            return queryset, False
        return filter_player_name(queryset, term), False

    @admin.display(description="Prop market")
    def market(self, version):
        url = reverse("admin:props_propmarket_history", args=[version.id])
        return format_html('<a href="{}">{}</a>', url, version.player_name)

    @admin.display(description="Board")
    def board(self, version):
        return version.snapshot.snapshot_id if version.snapshot_id and version.snapshot else "live"

    @admin.display(description="Line")
    def line_change(self, version):
        return _change(version, "line", lambda line: f"{line:g}")

    @admin.display(description="Odds")
    def odds_change(self, version):
        return _change(version, "odds", format_odds)

    @admin.display(description="Active")
    def active_change(self, version):
        return _change(version, "is_active", lambda active: "yes" if active else "no")


@functools.cache
def counting_rows_only(paginator_class):
    """The paginator, counting the matching versions without their previous-version
    subqueries: Django keeps a sliced queryset's annotations in its COUNT, so the bounded
    count (up to 10,001 rows) ran four index probes per counted row."""

    class Paginator(paginator_class):
        @functools.cached_property
        def count(self):
            listed = self.object_list
            self.object_list = listed.values("pk")
            try:
                return paginator_class.count.func(self)
            finally:
                self.object_list = listed

    return Paginator


def _change(version, name, shown):
    """ "old → new" when this version changed the value, else the value."""
    new = getattr(version, name)
    new_text = "—" if new is None else shown(new)
    if version.previous_history_id is None or version.history_type != "~":
        return new_text
    old = getattr(version, f"previous_{name}")
    if old == new:
        return new_text
    old_text = "—" if old is None else shown(old)
    return format_html('<span class="old">{}</span> → <strong>{}</strong>', old_text, new_text)

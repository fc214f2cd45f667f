"""Every change to prop markets in one list, newest first: line, odds, active state, board, who,
when and why (admin edits, bulk actions, imports). Read-only; each market's own history page
is linked from its change page."""

import uuid

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import PropMarket
from .paginator import EstimatedCountPaginator

HistoricalPropMarket = PropMarket.history.model


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


@admin.register(HistoricalPropMarket)
class MarketChangeAdmin(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    list_display = [
        "history_date",
        "market",
        "market_type",
        "line",
        "odds",
        "is_active",
        "snapshot",
        "history_type",
        "history_user",
        "history_change_reason",
    ]
    list_display_links = None
    list_filter = ["history_type", "league", ChangedByFilter]
    list_select_related = ["history_user", "snapshot"]
    search_fields = ["id"]
    search_help_text = "A prop market's id: every version of that market."
    sortable_by = ["history_date"]
    ordering = ["-history_date", "-history_id"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(id=uuid.UUID(term)), False
        except ValueError:
            return queryset.none(), False

    @admin.display(description="Prop market")
    def market(self, version):
        url = reverse("admin:props_propmarket_history", args=[version.id])
        return format_html('<a href="{}">{}</a>', url, version.player_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

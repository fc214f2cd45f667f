"""Prop markets in the admin: the table staff live in (a million rows).

Every write goes through the market services (`create_market`, `update_market`,
`delete_market`) or the set-based bulk services of `props.services.bulk` (the actions and the
refused paths are `props.admin.market_actions`), which refuse locked snapshots and invalidate
the board cache. Markets of a locked snapshot are read-only on every path: change page,
list_editable rows, bulk actions, delete, history revert.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .. import catalogue
from ..models import PropMarket, Snapshot
from ..search import MIN_SEARCH_LENGTH, player_name_condition
from ..services import LIVE_BOARD, SnapshotLocked, create_market, delete_market, update_market
from .base import BaseAdmin
from .filters import BoardFilter, MarketTypeFilter, SeasonFilter, WeekFilter
from .forms import PropMarketAdminForm, PropMarketRowForm
from .import_export import ExportView, ImportViews
from .locking import is_in_locked_snapshot, lock_notice
from .market_actions import MarketActionsMixin
from .row_widgets import (
    ROW_RENDERER,
    ResultRows,
    RowFormSet,
    action_checkbox,
    with_row_links,
)

# Fields a service is given on create; the rest (timestamps) the model fills in.
CREATE_FIELDS = [
    field.name
    for field in PropMarket._meta.concrete_fields
    if field.name not in {"created_at", "updated_at"}
]
# A save message names at most this many changed markets, then a count.
CHANGES_NAMED = 5


@admin.register(PropMarket)
class PropMarketAdmin(MarketActionsMixin, BaseAdmin, SimpleHistoryAdmin):
    form = PropMarketAdminForm
    change_list_template = "admin/props/propmarket/change_list.html"
    change_form_template = "admin/props/propmarket/change_form.html"
    list_display = [
        "player_name",
        "market_type_label",
        "line",
        "odds",
        "is_active",
        "board",
        "platform",
        "league",
        "week",
        "team",
        "game_time",
    ]
    list_display_links = ["player_name"]
    list_editable = ["line", "odds", "is_active"]
    list_filter = [
        "league",
        WeekFilter,
        SeasonFilter,
        "platform",
        MarketTypeFilter,
        "is_active",
        BoardFilter,
        ("snapshot", admin.RelatedFieldListFilter),
    ]
    search_fields = ["player_name", "team", "snapshot__snapshot_id"]  # see get_search_results
    search_help_text = (
        "Part of a player's name (3+ letters, any case, accents ignored), a team, or a "
        "snapshot's slug."
    )
    sortable_by = [
        "player_name",
        "market_type_label",
        "line",
        "platform",
        "week",
        "is_active",
        "game_time",
    ]
    list_select_related = ["snapshot"]
    autocomplete_fields = ["snapshot"]
    readonly_fields = ["created_at", "updated_at"]
    history_list_display = ["line", "odds", "is_active", "board"]
    fieldsets = [
        (None, {"fields": ["snapshot", "league", "week", "season", "sport", "platform"]}),
        ("Player", {"fields": ["player_name", "player_id", "position", "team", "opponent"]}),
        (
            "Market",
            {
                "fields": [
                    "market_type",
                    "stat_category",
                    "line",
                    "odds",
                    "american_odds",
                    "is_active",
                ]
            },
        ),
        ("Game", {"fields": ["game_id", "game_date"]}),
        ("Source", {"fields": ["external_id", "extra_metadata", "created_at", "updated_at"]}),
    ]

    # --- reading ------------------------------------------------------------------------------

    def get_queryset(self, request):
        # The snapshot is needed to know whether a row is editable (also on list_editable POSTs,
        # which do not go through list_select_related).
        return super().get_queryset(request).select_related("snapshot")

    def get_search_results(self, request, queryset, search_term):
        """Part of a player's name (3+ characters, any case, accents ignored: "mahom",
        "Gibson"), a team, or a snapshot's slug. Each branch has its index (the trigram index of
        migration 0007, team, snapshot), so PostgreSQL combines them (BitmapOr) instead of
        scanning the table. A shorter term matches a whole name or a team only."""
        term = search_term.strip()
        if not term:
            return queryset, False
        queryset = queryset.alias(player_lower=Lower("player_name"))
        matches = Q(player_lower=term.lower()) | Q(team=term.upper())
        if len(term) >= MIN_SEARCH_LENGTH:
            queryset, by_name = player_name_condition(queryset, term)
            matches |= by_name
        else:
            self.message_user(
                request,
                f"Names are searched from {MIN_SEARCH_LENGTH} characters; “{term}” was looked "
                "up as a whole name, a team or a snapshot.",
                messages.INFO,
            )
        snapshot_pk = Snapshot.objects.filter(snapshot_id=term).values_list("pk", flat=True)
        if snapshot_pk:
            matches |= Q(snapshot_id=snapshot_pk[0])
        return queryset.filter(matches), False

    @admin.display(description="Market type", ordering="market_type")
    def market_type_label(self, market):
        return format_html('<span title="{}">{}</span>', market.market_type, market_label(market))

    @admin.display(description="Game date", ordering="game_date")
    def game_time(self, market):
        # Compact (2024-10-06 20:25) so the row fits 1440 px; the site's time zone.
        if market.game_date is None:
            return "—"
        return timezone.localtime(market.game_date).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="Board", ordering="snapshot__snapshot_id")
    def board(self, market):
        """The board a market (or, on its history page, a version of it) is on."""
        if market.snapshot_id is None:
            return LIVE_BOARD
        try:
            snapshot = market.snapshot
        except Snapshot.DoesNotExist:  # a version's snapshot, deleted since
            return "deleted snapshot"
        if snapshot.is_locked:
            # The row's inputs are disabled; this says why, on the row (and in full on hover).
            return format_html(
                '<span class="locked-board" title="{}">{}</span>',
                SnapshotLocked(snapshot.snapshot_id),
                snapshot.snapshot_id,
            )
        return snapshot.snapshot_id

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["result_rows"] = ResultRows(context["cl"])
        return response

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.live_board_by_default = any(
            getattr(spec, "default_live", False) for spec in changelist.filter_specs
        )
        changelist.all_boards_url = changelist.get_query_string({"board": BoardFilter.ALL})
        return changelist

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """Django's "… was changed successfully" after a save names the markets instead."""
        changed = request.__dict__.pop("_changed_markets", None)
        if changed and level == messages.SUCCESS and "changed successfully" in str(message):
            shown = "; ".join(changed[:CHANGES_NAMED])
            more = len(changed) - CHANGES_NAMED
            message = f"{shown}{f'; and {more} more' if more > 0 else ''}."
        return super().message_user(request, message, level, *args, **kwargs)

    # --- what is editable ---------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if is_in_locked_snapshot(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_in_locked_snapshot(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", PropMarketRowForm)
        form = super().get_changelist_form(request, **kwargs)
        form.default_renderer = ROW_RENDERER  # plain inputs without a template pass each
        return form

    def get_changelist(self, request, **kwargs):
        return with_row_links(super().get_changelist(request, **kwargs))

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", RowFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def action_checkbox(self, market):
        return action_checkbox(market)  # the same markup, without a template pass per row

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A read-only page has no American odds input to show.
            return [
                (
                    name,
                    {**options, "fields": [f for f in options["fields"] if f != "american_odds"]},
                )
                for name, options in fieldsets
            ]
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if is_in_locked_snapshot(obj):
            context["lock_notice"] = lock_notice(obj.snapshot)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- writing (through the services) -------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            # Compared with the stored row rather than the form's initial values, so that a
            # history revert (whose form starts from the old version) saves what differs.
            current = PropMarket.objects.get(pk=obj.pk)
            changes = {
                name: getattr(obj, name)
                for name in CREATE_FIELDS
                if getattr(obj, name) != getattr(current, name)
            }
            if changes:
                request.__dict__.setdefault("_changed_markets", []).append(
                    describe_change(current, changes)
                )
                reason = form.cleaned_data.get("change_reason", "")
                update_market(market=obj, user=request.user, reason=reason, **changes)
        else:
            create_market(user=request.user, **{name: getattr(obj, name) for name in CREATE_FIELDS})
            obj._state.adding = False

    def delete_model(self, request, obj):
        delete_market(market=obj, user=request.user)

    def get_deleted_objects(self, objs, request):
        """The delete page of one market: the market alone (its history is kept), instead of
        Django's walk over related rows. A locked market never gets here (delete_view refuses
        it with the lock notice)."""
        listed = [f"Prop market: {market}" for market in objs]
        return listed, {PropMarket._meta.verbose_name_plural: len(listed)}, set(), []

    # --- import and export --------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        imports = ImportViews(self)
        return [
            path(
                "import/",
                self.admin_site.admin_view(imports.upload),
                name=f"{prefix}_import",
            ),
            path(
                "import/confirm/",
                self.admin_site.admin_view(imports.confirm),
                name=f"{prefix}_import_confirm",
            ),
            path(
                "export/",
                self.admin_site.admin_view(ExportView(self).as_response),
                name=f"{prefix}_export",
            ),
            *super().get_urls(),
        ]


def market_label(market) -> str:
    """The market type as staff read it ("Passing yards" for passing_yards)."""
    return catalogue.market_label(market.market_type)


def describe_change(market, changes) -> str:
    """ "Patrick Mahomes — Passing yards 275.5 changed (line 270.5 → 275.5)": the market as it
    was, and each changed field old → new."""
    details = ", ".join(
        f"{name.replace('_', ' ')} {_shown(getattr(market, name))} → {_shown(value)}"
        for name, value in changes.items()
        if name != "american_odds"
    )
    line = changes.get("line", market.line)
    return f"{market.player_name} — {market_label(market)} {line} changed ({details})"


def _shown(value):
    return "—" if value is None or value == "" else value

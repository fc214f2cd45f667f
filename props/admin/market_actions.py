"""The prop-market admin's bulk actions and refused paths (a mixin of PropMarketAdmin).

Bulk actions — edit (set line, shift line by ±x, set odds, set active), activate, deactivate,
move to a snapshot, delete — act on the ticked rows or on every row of the filter ("select
all"). Each is one SQL statement with its history rows (`props.services.bulk`). An edit always
shows a confirmation page first (count, a sample old → new, an optional reason); the other
actions do when they would write more than CONFIRM_ABOVE rows. Markets of locked snapshots in a
selection are left out, and the message says how many and why.

Refused paths (delete page, change-form POST and history revert of a market in a locked
snapshot) render an admin page with the lock notice (who locked it, when) and no button that
cannot work, instead of a bare 403.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.template.response import TemplateResponse
from simple_history.template_utils import HistoricalRecordContextHelper

from ..models import PropMarket
from ..services import (
    LIVE_BOARD,
    DomainError,
    MarketEdit,
    delete_markets,
    edit_markets,
    locked_in,
    move_markets,
)
from .base import selection_context
from .forms import BulkConfirmForm, BulkEditForm, MoveToSnapshotForm
from .locking import is_in_locked_snapshot, lock_notice, refused_response

# A bulk write of more rows than this asks for confirmation first.
CONFIRM_ABOVE = 100
# Rows shown old → new on a confirmation page.
SAMPLE_SIZE = 10


@dataclass
class BulkPlan:
    """One bulk write as the confirmation page shows it and the action then runs it."""

    action: str  # the action's name, posted back by the confirmation page
    title: str
    verb: str  # "{count} prop market(s) {verb}."
    run: Callable  # (queryset, user, reason) -> BulkResult
    shown: str  # the column shown old → new
    old: Callable  # market -> the value shown before
    new: Callable  # market -> the value shown after
    carried: dict = field(default_factory=dict)  # form values posted back with the confirmation
    always_confirm: bool = False


class MarketActionsMixin:
    actions = ["edit_selected", "activate", "deactivate", "move_to_snapshot"]
    object_history_form_template = "admin/props/propmarket/object_history_form.html"

    # --- actions ------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            # Same name (what staff know), but set-based, with our confirmation page.
            _, name, description = actions["delete_selected"]
            actions[name] = (type(self).delete_selected_markets, name, description)
        return actions

    @admin.action(
        description="Edit line / odds / active of selected prop markets…", permissions=["change"]
    )
    def edit_selected(self, request, queryset):
        form = BulkEditForm(request.POST if "change" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return self._action_page(
                request,
                queryset,
                template="admin/props/propmarket/bulk_edit.html",
                title="Edit prop markets",
                action="edit_selected",
                form=form,
            )
        edit = form.cleaned_data["edit"]
        carried = {name: value for name, value in form.data.items() if name in form.fields}
        return self._confirm_then_run(
            request,
            queryset,
            BulkPlan(
                action="edit_selected",
                title=f"Confirm: {edit.describe()}",
                verb=edit.describe(),
                run=lambda qs, user, reason: edit_markets(
                    queryset=qs, edit=edit, user=user, reason=reason
                ),
                shown=edit.field.replace("is_", ""),
                old=lambda market: _shown(getattr(market, edit.field)),
                new=lambda market: _shown(edit.new_value(market)),
                carried=carried,
                always_confirm=True,
            ),
        )

    @admin.action(description="Activate selected prop markets", permissions=["change"])
    def activate(self, request, queryset):
        return self._set_active(request, queryset, active=True)

    @admin.action(description="Deactivate selected prop markets", permissions=["change"])
    def deactivate(self, request, queryset):
        return self._set_active(request, queryset, active=False)

    @admin.action(description="Move selected prop markets to a snapshot…", permissions=["change"])
    def move_to_snapshot(self, request, queryset):
        form = MoveToSnapshotForm(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return self._action_page(
                request,
                queryset,
                template="admin/props/propmarket/move_to_snapshot.html",
                title="Move prop markets to a snapshot",
                action="move_to_snapshot",
                form=form,
            )
        target = form.cleaned_data["snapshot"]
        name = target.snapshot_id if target else LIVE_BOARD
        return self._confirm_then_run(
            request,
            queryset,
            BulkPlan(
                action="move_to_snapshot",
                title=f"Confirm: move to {name}",
                verb=f"moved to {target.snapshot_id if target else 'the live board'}",
                run=lambda qs, user, reason: move_markets(
                    queryset=qs, snapshot=target, user=user, reason=reason
                ),
                shown="board",
                old=lambda market: market.snapshot.snapshot_id
                if market.snapshot_id
                else LIVE_BOARD,
                new=lambda market: name,
                carried={"apply": "Move", "snapshot": target.pk if target else ""},
            ),
        )

    def delete_selected_markets(self, request, queryset):
        return self._confirm_then_run(
            request,
            queryset,
            BulkPlan(
                action="delete_selected",
                title="Are you sure?",
                verb="deleted",
                run=lambda qs, user, reason: delete_markets(queryset=qs, user=user, reason=reason),
                shown="market",
                old=lambda market: "kept",
                new=lambda market: "deleted (its history is kept)",
                always_confirm=True,
            ),
        )

    def delete_queryset(self, request, queryset):
        delete_markets(queryset=queryset, user=request.user)

    def _set_active(self, request, queryset, *, active):
        edit = MarketEdit(field="is_active", value=active)
        verb = edit.describe()
        return self._confirm_then_run(
            request,
            queryset,
            BulkPlan(
                action="activate" if active else "deactivate",
                title=f"Confirm: {verb}",
                verb=verb,
                run=lambda qs, user, reason: edit_markets(
                    queryset=qs, edit=edit, user=user, reason=reason
                ),
                shown="active",
                old=lambda market: _shown(market.is_active),
                new=lambda market: _shown(active),
            ),
        )

    def _confirm_then_run(self, request, queryset, plan):
        """Run `plan` when confirmed (or small enough to need no confirmation); otherwise show
        the confirmation page."""
        confirmed = request.POST.get("post") == "yes"
        form = BulkConfirmForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            return self._run(request, queryset, plan, form.cleaned_data["reason"])
        if not confirmed and not plan.always_confirm and not _more_than(queryset, CONFIRM_ABOVE):
            return self._run(request, queryset, plan, "")
        left_out, locked_slugs = locked_in(queryset)
        sample = list(
            queryset.exclude(snapshot__is_locked=True).select_related("snapshot")[:SAMPLE_SIZE]
        )
        return self._action_page(
            request,
            queryset,
            template="admin/props/propmarket/bulk_confirmation.html",
            title=plan.title,
            action=plan.action,
            form=form,
            plan=plan,
            left_out=left_out,
            locked_slugs=locked_slugs,
            sample=[(market, plan.old(market), plan.new(market)) for market in sample],
            carried=plan.carried.items(),
        )

    def _run(self, request, queryset, plan, reason):
        try:
            result = plan.run(queryset, request.user, reason)
        except DomainError as exc:
            message = str(exc)
            if "Nothing was" not in message:
                message += " Nothing was changed."
            self.message_user(request, message, messages.ERROR)
            return None
        self.message_user(
            request, f"{result.changed} prop market(s) {plan.verb}.", messages.SUCCESS
        )
        if result.skipped_locked:
            self.message_user(request, result.left_out(), messages.WARNING)
        return None

    def _action_page(self, request, queryset, *, template, title, action, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "count": queryset.count(),
                **selection_context(request),
                "action": action,
                **context,
            },
        )

    # --- the change page's reason -------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if (
            obj is not None
            and self.has_change_permission(request, obj)
            and self._locked_market(request, obj.pk) is None
        ):
            return [*fieldsets, ("Why", {"fields": ["change_reason"]})]
        return fieldsets

    # --- refused paths: the admin page with the lock notice -----------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        market = self._locked_market(request, object_id)
        if market is not None:
            return self._refused(request, market, "Delete")
        return super().delete_view(request, object_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            market = self._locked_market(request, object_id)
            if market is not None:
                return self._refused(request, market, "Change")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting is a write: on a market of a locked snapshot the old version is shown
        read-only, with the lock notice and no Revert button; a POST is refused the same way."""
        market = self._locked_market(request, object_id)
        if market is not None:
            if request.method == "POST":
                return self._refused(request, market, "Revert")
            extra_context = {**(extra_context or {}), "lock_notice": lock_notice(market.snapshot)}
        return self._refusals_as_messages(
            request, self._history_form_view, object_id, version_id, extra_context
        )

    def _history_form_view(self, request, object_id, version_id, extra_context):
        # A revert refused meanwhile (a lock since the page was shown) rolls back whole.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        current = self._locked_market(request, obj.pk) if obj is not None else None
        return current is not None or super().revert_disabled(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self._locked_market(request, obj.pk) is not None:
            # Every field shown, none editable (the form's own inputs included).
            return [f.name for f in PropMarket._meta.concrete_fields] + [
                "american_odds",
                "change_reason",
            ]
        return super().get_readonly_fields(request, obj)

    def _locked_market(self, request, object_id):
        """The market (as stored now, not as a history version) if it is in a locked snapshot;
        looked up once per request."""
        key = str(unquote(str(object_id)))
        known = request.__dict__.setdefault("_locked_markets", {})
        if key not in known:
            market = (
                PropMarket.objects.select_related("snapshot", "snapshot__locked_by")
                .filter(pk=key)
                .first()
                if _is_uuid(key)
                else None
            )
            known[key] = market if is_in_locked_snapshot(market) else None
        return known[key]

    def _refused(self, request, market, what):
        return refused_response(self, request, market, what, market.snapshot)

    # --- the history page: moves read "live board → slug" -------------------------------------

    def get_historical_record_context_helper(self, request, historical_record):
        return MarketHistoryContextHelper(self.model, historical_record)


class MarketHistoryContextHelper(HistoricalRecordContextHelper):
    """Shows the live board (no snapshot) as "live board", not "Deleted snapshot (pk=None)"."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "snapshot" and getattr(value, "pk", "") is None:
            return LIVE_BOARD
        return super().prepare_delta_change_value(change, value)


def _more_than(queryset, limit) -> bool:
    # Counts at most limit + 1 rows, however big the selection.
    return queryset.order_by()[: limit + 1].count() > limit


def _shown(value):
    if isinstance(value, bool):
        return "active" if value else "inactive"
    if isinstance(value, float):
        return f"{value:g}"
    return "—" if value is None else value


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True

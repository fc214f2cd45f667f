"""Saved slips in the admin. Legs and correlations are validated by the model (the API's
rules); placing a slip goes through `props.services.place_slip`, once."""

from django.contrib import admin, messages

from ..models import SavedSlip
from ..services import SlipAlreadyPlaced, place_slip
from .base import BaseAdmin


@admin.register(SavedSlip)
class SavedSlipAdmin(BaseAdmin):
    list_display = [
        "__str__",
        "user",
        "legs_count",
        "ev",
        "stake",
        "platform",
        "is_placed",
        "snapshot",
        "created_at",
    ]
    list_filter = ["is_placed", "platform", ("snapshot", admin.RelatedFieldListFilter)]
    search_fields = ["name", "user__email", "=snapshot__snapshot_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "snapshot"]
    autocomplete_fields = ["user", "snapshot"]
    readonly_fields = ["is_placed", "placed_at", "created_at", "updated_at"]
    actions = ["place"]

    @admin.display(description="Legs")
    def legs_count(self, slip):
        return len(slip.legs) if isinstance(slip.legs, list) else 0

    @admin.action(description="Mark selected slips placed", permissions=["change"])
    def place(self, request, queryset):
        placed, refused = 0, []
        for slip in queryset:
            try:
                place_slip(slip=slip)
            except SlipAlreadyPlaced:
                refused.append(str(slip))
            else:
                placed += 1
        if placed:
            self.message_user(request, f"{placed} slip(s) placed.", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"Already placed, unchanged: {', '.join(refused)}.", messages.WARNING
            )

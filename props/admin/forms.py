"""Admin forms. Validation is the models' (full_clean runs the field validators of
props/validators.py); these forms only add what a form needs on top: positive
American odds as a separate input, and the lock refusal said before saving."""

from django import forms
from django.utils.html import format_html

from ..history import REASON_LENGTH
from ..models import MAX_LINE, PropMarket, Snapshot
from ..odds import (
    DECIMAL_PLACES,
    InvalidOdds,
    american_equivalent,
    decimal_odds,
    decimal_text,
    format_american,
    parse_typed_odds,
)
from ..services import DomainError, MarketEdit, SnapshotLocked
from .locking import is_in_locked_snapshot


class OddsInput(forms.TextInput):
    """A text input (a number input would drop the `+` of +150) with the American equivalent of
    its value beside it, the way staff read odds: [1.9091] (-110), with a typographic minus."""

    def __init__(self, attrs=None):
        super().__init__({"size": 8, "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        try:
            decimal = parse_typed_odds(value)
        except InvalidOdds:
            decimal = None
        if decimal is None:
            return html
        american = format_american(american_equivalent(decimal))
        return format_html('{} <span class="american-odds">({})</span>', html, american)


class TypedOddsField(forms.Field):
    """Odds a person types (props.odds.parse_typed_odds): `+150` is American, `-110` too, `2.5`
    decimal; a bare 150 is refused naming both readings. Shows stored odds so that they read
    back unchanged (150.0, not 150)."""

    widget = OddsInput

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Decimal (1.9091) or American with its sign (+150, -110). A whole number of 100 or "
            "more needs its sign or a decimal point: +150 or 150.0.",
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_typed_odds(value)
        except InvalidOdds as exc:
            raise forms.ValidationError(str(exc), code="invalid_odds") from None

    def prepare_value(self, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return decimal_text(value)
        return value

    def has_changed(self, initial, data):
        # Stored odds with more places than the rule keeps are not "changed" by being shown.
        if self.disabled:
            return False
        try:
            typed = self.to_python(data)
        except forms.ValidationError:
            return True
        stored = None if initial in (None, "") else round(float(initial), DECIMAL_PLACES)
        return typed != stored


def reason_field():
    return forms.CharField(
        required=False,
        max_length=REASON_LENGTH,
        label="Reason (optional)",
        help_text="Recorded in each market's history with what was done.",
        widget=forms.TextInput(attrs={"size": 60}),
    )


def refuse_locked_target(form, snapshot):
    """A form error when `snapshot` is locked and the form would put a market into it."""
    if snapshot is not None and snapshot.is_locked and snapshot.pk != form.instance.snapshot_id:
        form.add_error("snapshot", str(SnapshotLocked(snapshot.snapshot_id)))


class PropMarketAdminForm(forms.ModelForm):
    american_odds = forms.IntegerField(
        required=False,
        label="American odds",
        help_text="Optional: American odds, e.g. 150 is stored as 2.5. The odds field takes "
        "them too, with their sign: +150, -110.",
    )

    change_reason = reason_field()

    class Meta:
        model = PropMarket
        fields = [field.name for field in PropMarket._meta.concrete_fields if field.editable]
        field_classes = {"odds": TypedOddsField}

    def clean(self):
        cleaned = super().clean()
        american = cleaned.get("american_odds")
        if american is not None:
            # Odds the page only showed back (unchanged) give way to the American odds typed.
            shown_odds = cleaned.get("odds") if "odds" in self.changed_data else None
            try:
                cleaned["odds"] = decimal_odds(odds=shown_odds, american_odds=american)
            except InvalidOdds as exc:
                self.add_error(exc.field, str(exc))
        refuse_locked_target(self, cleaned.get("snapshot"))
        return cleaned


class PropMarketRowForm(forms.ModelForm):
    """A changelist row (list_editable). Rows of a locked snapshot are disabled, so their
    posted values are ignored, and say why on hover."""

    class Meta:
        field_classes = {"odds": TypedOddsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("line", "odds"):
            if name in self.fields:
                # The admin's narrow number style, so a row fits the screen.
                self.fields[name].widget.attrs["class"] = "vIntegerField"
        if is_in_locked_snapshot(self.instance):
            reason = str(SnapshotLocked(self.instance.snapshot.snapshot_id))
            for field in self.fields.values():
                field.disabled = True
                field.widget.attrs["title"] = reason

    def _post_clean(self):
        # The model's validation runs a query per CHECK constraint; the changelist validates
        # every row of the page but saves only the changed ones (whose service validates them
        # again), so unchanged rows skip it: it was most of an inline save of a 100-row page.
        if self.has_changed():
            super()._post_clean()


class MoveToSnapshotForm(forms.Form):
    """The target of the 'move to a snapshot' action: an unlocked snapshot, or the live board."""

    snapshot = forms.ModelChoiceField(
        queryset=Snapshot.objects.unlocked(),
        required=False,
        empty_label="— the live board (no snapshot) —",
        help_text="Locked snapshots are not offered: they cannot receive markets.",
    )

    reason = reason_field()

    def clean_snapshot(self):
        snapshot = self.cleaned_data["snapshot"]
        if snapshot is not None and snapshot.is_locked:
            raise forms.ValidationError(str(SnapshotLocked(snapshot.snapshot_id)))
        return snapshot


class BulkEditForm(forms.Form):
    """What a bulk edit does to every selected market: set the line, shift it by ±x, set the
    odds or the active state. `edit` (a props.services.bulk.MarketEdit) is the result."""

    CHANGES = [
        ("set_line", "Set the line to"),
        ("shift_line", "Shift the line by (±)"),
        ("set_odds", "Set the odds to"),
        ("set_active", "Set active to"),
    ]
    change = forms.ChoiceField(choices=CHANGES, widget=forms.RadioSelect)
    line = forms.FloatField(required=False, min_value=0, max_value=MAX_LINE, label="New line")
    shift = forms.FloatField(
        required=False, label="Shift by", help_text="e.g. 0.5 or -1 (added to each line)."
    )
    odds = TypedOddsField(required=False, label="New odds")
    active = forms.TypedChoiceField(
        required=False,
        choices=[("yes", "active"), ("no", "inactive")],
        coerce=lambda value: value == "yes",
        label="Active",
    )

    INPUT_OF = {
        "set_line": "line",
        "shift_line": "shift",
        "set_odds": "odds",
        "set_active": "active",
    }

    def clean(self):
        cleaned = super().clean()
        change = cleaned.get("change")
        if change is None:
            return cleaned
        name = self.INPUT_OF[change]
        value = cleaned.get(name)
        if value is None or value == "":
            if name not in self.errors:
                self.add_error(name, "Give the value for this change.")
            return cleaned
        try:
            cleaned["edit"] = MarketEdit(
                field={"shift": "line", "active": "is_active"}.get(name, name),
                value=value,
                shift=change == "shift_line",
            )
        except DomainError as exc:
            self.add_error(name, str(exc))
        return cleaned


class BulkConfirmForm(forms.Form):
    """The confirmation of a bulk write: only the optional reason recorded in history."""

    reason = reason_field()


class CaptureBoardForm(forms.ModelForm):
    """A new snapshot, filled by copying the live board of its league/week."""

    lock = forms.BooleanField(
        required=False, help_text="Lock the snapshot as soon as it is captured."
    )

    class Meta:
        model = Snapshot
        fields = ["snapshot_id", "league", "week", "season", "name", "description", "model_version"]
        labels = {"snapshot_id": "Slug"}

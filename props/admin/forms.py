"""Admin forms. Validation is the models' (full_clean runs the field validators of
props/validators.py); these forms only add what a form needs on top: readable JSON, positive
American odds as a separate input, and the lock refusal said before saving."""

import json

from django import forms
from django.forms.fields import InvalidJSONInput

from ..models import PropMarket, Snapshot
from ..odds import InvalidOdds, decimal_odds
from ..services import SnapshotLocked
from ..validators import MAX_JSON_DEPTH
from .locking import is_in_locked_snapshot


class ReadableJSONField(forms.JSONField):
    """A JSON textarea that shows the value indented, one key per line. The shape rules are the
    model field's validators (props.fields.ValidatedJSONField runs them on `[]` and `{}` too)."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "class": "vLargeTextField json-input"})

    # A value stored before the depth limit (props.validators.MAX_JSON_DEPTH) may be too deep
    # for Python's json module: the page still opens, and saving asks for a valid value.
    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        try:
            return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)
        except RecursionError:
            return InvalidJSONInput(
                f"(nested deeper than {MAX_JSON_DEPTH} levels, too deep to show: replace it)"
            )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(
                f"Nested deeper than {MAX_JSON_DEPTH} levels.", code="invalid"
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except RecursionError:
            return True


def refuse_locked_target(form, snapshot):
    """A form error when `snapshot` is locked and the form would put a market into it."""
    if snapshot is not None and snapshot.is_locked and snapshot.pk != form.instance.snapshot_id:
        form.add_error("snapshot", str(SnapshotLocked(snapshot.snapshot_id)))


class PropMarketAdminForm(forms.ModelForm):
    american_odds = forms.IntegerField(
        required=False,
        label="American odds",
        help_text="Optional: positive (or negative) American odds, e.g. +150 is stored as 2.5. "
        "In the odds field, -110 is also understood as American and stored as 1.9091.",
    )

    class Meta:
        model = PropMarket
        fields = [field.name for field in PropMarket._meta.concrete_fields if field.editable]

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


class MoveToSnapshotForm(forms.Form):
    """The target of the 'move to a snapshot' action: an unlocked snapshot, or the live board."""

    snapshot = forms.ModelChoiceField(
        queryset=Snapshot.objects.unlocked(),
        required=False,
        empty_label="— the live board (no snapshot) —",
        help_text="Locked snapshots are not offered: they cannot receive markets.",
    )

    def clean_snapshot(self):
        snapshot = self.cleaned_data["snapshot"]
        if snapshot is not None and snapshot.is_locked:
            raise forms.ValidationError(str(SnapshotLocked(snapshot.snapshot_id)))
        return snapshot


class CaptureBoardForm(forms.ModelForm):
    """A new snapshot, filled by copying the live board of its league/week."""

    lock = forms.BooleanField(
        required=False, help_text="Lock the snapshot as soon as it is captured."
    )

    class Meta:
        model = Snapshot
        fields = ["snapshot_id", "league", "week", "season", "name", "description", "model_version"]
        labels = {"snapshot_id": "Slug"}

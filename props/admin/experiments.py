"""Experiments (backtests) in the admin. Status follows draft -> running -> completed | failed,
checked by the same rule as the API (`props.services.experiments`)."""

from django import forms
from django.contrib import admin
from django.db.models import FloatField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from ..models import Experiment
from ..services import InvalidTransition, check_transition, transition_experiment
from .base import BaseAdmin


class ExperimentAdminForm(forms.ModelForm):
    class Meta:
        model = Experiment
        fields = [field.name for field in Experiment._meta.concrete_fields if field.editable]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.pk is not None:
            try:
                check_transition(self.initial["status"], status)
            except InvalidTransition as exc:
                raise forms.ValidationError(str(exc)) from None
        return status


@admin.register(Experiment)
class ExperimentAdmin(BaseAdmin):
    form = ExperimentAdminForm
    list_display = [
        "__str__",
        "user",
        "league",
        "week",
        "risk_mode",
        "status",
        "roi",
        "bankroll",
        "snapshot",
        "timestamp",
    ]
    list_filter = ["league", "status", "risk_mode", ("snapshot", admin.RelatedFieldListFilter)]
    search_fields = ["name", "user__email", "=snapshot__snapshot_id"]
    date_hierarchy = "timestamp"
    list_select_related = ["user", "snapshot"]
    autocomplete_fields = ["user", "snapshot"]
    readonly_fields = ["created_at"]

    @admin.display(description="ROI", ordering=Cast(KT("metrics__roi"), FloatField()))
    def roi(self, experiment):
        return (experiment.metrics or {}).get("roi")

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            # Under the service's row lock: a concurrent transition cannot be overwritten.
            transition_experiment(experiment=obj, status=obj.status)
        super().save_model(request, obj, form, change)

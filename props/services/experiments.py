"""Experiment status and metrics."""

from typing import Any

from django.db import transaction

from ..choices import EXPERIMENT_TRANSITIONS, ExperimentStatus
from ..models import Experiment
from .errors import InvalidTransition


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransition unless draft -> running -> completed | failed allows it."""
    if new == current:
        return
    if new not in EXPERIMENT_TRANSITIONS[ExperimentStatus(current)]:
        allowed = [
            str(status) for status in sorted(EXPERIMENT_TRANSITIONS[ExperimentStatus(current)])
        ] or ["none"]
        raise InvalidTransition(
            f"An experiment cannot go from {current} to {new}; from {current} it may go to "
            f"{', '.join(allowed)}."
        )


def transition_experiment(*, experiment: Experiment, status: str) -> Experiment:
    with transaction.atomic():
        current = Experiment.objects.select_for_update().get(pk=experiment.pk)
        check_transition(current.status, status)
        current.status = status
        current.save(update_fields=["status"])
    return current


def update_experiment_metrics(
    *, experiment: Experiment, metrics: dict[str, Any], status: str = ExperimentStatus.COMPLETED
) -> Experiment:
    """The seed's update: store the results and finish the experiment (running -> completed)."""
    with transaction.atomic():
        current = Experiment.objects.select_for_update().get(pk=experiment.pk)
        check_transition(current.status, status)
        current.metrics = metrics
        current.status = status
        current.full_clean(validate_unique=False, validate_constraints=False)
        current.save(update_fields=["metrics", "status"])
    return current

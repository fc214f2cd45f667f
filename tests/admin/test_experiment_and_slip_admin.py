"""Experiments and saved slips in the admin follow the API's rules: status transitions, the
shape of legs and correlations, placing a slip once."""

import pytest
from django.urls import reverse

from tests.factories import ExperimentFactory, SavedSlipFactory

from .conftest import messages_of, post_action

pytestmark = pytest.mark.django_db


def experiment_data(experiment, **changes):
    data = {
        "user": experiment.user_id,
        "timestamp_0": "2024-10-05",
        "timestamp_1": "12:00:00",
        "week": experiment.week,
        "league": experiment.league,
        "risk_mode": experiment.risk_mode,
        "bankroll": experiment.bankroll,
        "num_props": 0,
        "num_slips": 0,
        "metrics": '{"roi": 0.1}',
        "status": experiment.status,
    }
    data.update(changes)
    return data


def test_an_experiment_cannot_skip_from_draft_to_completed(staff_client):
    experiment = ExperimentFactory(status="draft")
    url = reverse("admin:props_experiment_change", args=[experiment.pk])
    response = staff_client.post(url, experiment_data(experiment, status="completed"))
    assert "An experiment cannot go from draft to completed" in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.status == "draft"


def test_an_experiment_goes_from_draft_to_running(staff_client):
    experiment = ExperimentFactory(status="draft")
    url = reverse("admin:props_experiment_change", args=[experiment.pk])
    assert staff_client.post(url, experiment_data(experiment, status="running")).status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == "running"


def test_experiment_metrics_must_be_named_numbers(staff_client):
    experiment = ExperimentFactory()
    url = reverse("admin:props_experiment_change", args=[experiment.pk])
    response = staff_client.post(url, experiment_data(experiment, metrics='{"roi": "high"}'))
    assert "metrics.roi: must be a finite number." in response.content.decode()


def slip_data(slip, **changes):
    data = {
        "user": slip.user_id,
        "legs": '[{"player": "A", "stat": "points", "line": 20.5}]',
        "stake": 10,
        "correlations": "null",
        "tags": "[]",
    }
    data.update(changes)
    return data


def test_slip_legs_are_validated_with_the_path_of_the_problem(staff_client):
    slip = SavedSlipFactory()
    url = reverse("admin:props_savedslip_change", args=[slip.pk])
    legs = '[{"player": "A", "stat": "points", "line": -1}]'
    response = staff_client.post(url, slip_data(slip, legs=legs))
    assert "legs[0].line: required, a finite number of at least 0." in response.content.decode()


def test_slip_correlations_must_match_the_legs(staff_client):
    slip = SavedSlipFactory()
    url = reverse("admin:props_savedslip_change", args=[slip.pk])
    response = staff_client.post(url, slip_data(slip, correlations="[[1, 0.5], [0.5, 1]]"))
    assert "Correlations must be a 1x1 matrix" in response.content.decode()


def test_place_action_places_a_slip_once(staff_client):
    slip = SavedSlipFactory()
    assert "1 slip(s) placed." in messages_of(
        post_action(staff_client, "savedslip", "place", [slip])
    )
    again = post_action(staff_client, "savedslip", "place", [slip])
    assert any("Already placed" in message for message in messages_of(again))

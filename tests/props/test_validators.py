import pytest
from django.core.exceptions import ValidationError

from props.validators import (
    validate_clean_json,
    validate_correlations,
    validate_decimal_odds,
    validate_json_object,
    validate_legs,
    validate_metrics,
    validate_tags,
)
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    UserFactory,
)

LEG = {"player": "Travis Kelce", "stat": "receptions", "line": 5.5}


def test_seed_example_legs_are_valid():
    validate_legs([LEG, {"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5}])


def test_full_leg_with_optional_fields_is_valid_and_odds_become_decimal():
    leg = {
        **LEG,
        "direction": "over",
        "prop_market": "0b5e4c2e-64a7-4c41-9a5e-0a3f0a0d3c11",
        "odds": -110,
        "probability": 0.55,
    }
    validate_legs([leg])
    assert leg["odds"] == 1.9091


@pytest.mark.parametrize(
    ("legs", "message"),
    [
        ([], "non-empty list"),
        ({"player": "x"}, "non-empty list"),
        (["leg"], "legs[0]: must be an object"),
        ([{**LEG, "colour": "red"}], "unknown field(s) colour"),
        ([{"stat": "receptions", "line": 5.5}], "legs[0].player: required"),
        ([{**LEG, "player": "  "}], "legs[0].player: required"),
        ([{**LEG, "stat": "a\x00b"}], "legs[0].stat: text may not contain NUL characters"),
        ([LEG, {**LEG, "line": "5.5"}], "legs[1].line"),
        ([{**LEG, "line": -1}], "legs[0].line"),
        ([{**LEG, "line": float("nan")}], "legs[0].line"),
        ([{**LEG, "line": True}], "legs[0].line"),
        ([{**LEG, "direction": "sideways"}], "legs[0].direction"),
        ([{**LEG, "prop_market": "not-a-uuid"}], "legs[0].prop_market"),
        ([{**LEG, "odds": 0.5}], "legs[0].odds"),
        ([{**LEG, "odds": float("inf")}], "legs[0].odds"),
        # Far below -100 (or just above 1.0) the price rounds to 1.0: still refused.
        ([{**LEG, "odds": -1e9}], "legs[0].odds: The odds round to 1.0"),
        ([LEG, {**LEG, "odds": 1.00001}], "legs[1].odds: The odds round to 1.0"),
        ([{**LEG, "probability": 1.5}], "legs[0].probability"),
        ([LEG] * 26, "at most 25 legs"),
    ],
)
def test_invalid_legs_are_rejected_with_their_path(legs, message):
    with pytest.raises(ValidationError) as info:
        validate_legs(legs)
    assert message in info.value.messages[0]


def test_a_symmetric_unit_diagonal_matrix_is_valid_correlations():
    validate_correlations([[1, 0.3, -0.2], [0.3, 1, 0], [-0.2, 0, 1]], 3)
    validate_correlations(None, 3)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 0.3], [0.3, 1]], "3x3 matrix"),
        ([[1, 0, 0], [0, 1], [0, 0, 1]], "correlations[1]: must be a row of 3"),
        ([[1, 0, 0], [0, 1, 0], [0, 0, 0.9]], "diagonal must be 1"),
        ([[1, 0.2, 0], [0.3, 1, 0], [0, 0, 1]], "symmetric"),
        ([[1, 1.5, 0], [1.5, 1, 0], [0, 0, 1]], "in [-1, 1]"),
        ([[1, float("nan"), 0], [0, 1, 0], [0, 0, 1]], "in [-1, 1]"),
        ({"a": 1}, "3x3 matrix"),
    ],
)
def test_invalid_correlations_are_rejected(matrix, message):
    with pytest.raises(ValidationError) as info:
        validate_correlations(matrix, 3)
    assert message in info.value.messages[0]


@pytest.mark.parametrize(
    "metrics", [[0.1], {"roi": "high"}, {"roi": float("nan")}, {"roi": True}, {"": 1.0}]
)
def test_metrics_must_be_an_object_of_finite_numbers(metrics):
    with pytest.raises(ValidationError):
        validate_metrics(metrics)


def test_metrics_of_named_numbers_are_valid():
    validate_metrics({"roi": 0.15, "win_rate": 0.62, "sharpe": 1.8, "n": 40})


@pytest.mark.parametrize("value", [{"a": "x\x00"}, {"a": [1, float("inf")]}, {"k\x00": 1}])
def test_json_with_nul_text_or_non_finite_numbers_is_rejected(value):
    with pytest.raises(ValidationError):
        validate_clean_json(value)


@pytest.mark.parametrize("value", [[1], "text", None])
def test_json_objects_must_be_objects(value):
    with pytest.raises(ValidationError):
        validate_json_object(value)


@pytest.mark.parametrize("tags", ["a", [1], [""], ["x" * 51], ["a"] * 51])
def test_invalid_tags_are_rejected(tags):
    with pytest.raises(ValidationError):
        validate_tags(tags)


@pytest.mark.parametrize("odds", [1.0, 0.5, -99.9, float("nan"), 1.00001, -1e9])
def test_stored_odds_must_be_decimal_above_one(odds):
    with pytest.raises(ValidationError):
        validate_decimal_odds(odds)


@pytest.mark.django_db
def test_model_clean_checks_correlations_against_the_number_of_legs():
    slip = SavedSlipFactory.build(correlations=[[1]], user=SavedSlipFactory().user)
    with pytest.raises(ValidationError) as info:
        slip.full_clean()
    assert "correlations" in info.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "value"),
    [
        (SnapshotFactory, "config", []),
        (SnapshotFactory, "tags", {}),
        (PropMarketFactory, "extra_metadata", []),
        (ExperimentFactory, "metrics", []),
        (SavedSlipFactory, "legs", []),
        (UserFactory, "user_metadata", []),
    ],
)
def test_full_clean_checks_empty_json_values_of_the_wrong_shape(factory, field, value):
    row = factory()
    setattr(row, field, value)
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert field in info.value.message_dict


@pytest.mark.django_db
def test_full_clean_accepts_empty_objects_and_lists_where_they_belong():
    snapshot = SnapshotFactory(config={}, tags=[])
    snapshot.full_clean()

"""Validation of props' JSON columns and numeric rules, shared by the models (admin forms,
full_clean), the API serializers and the importers. The limits of any JSON value are
`betterbros.json_validation`'s (re-exported here: migrations name `props.validators.*`)."""

import math
import uuid

from django.core.exceptions import ValidationError

from betterbros.json_validation import (  # noqa: F401  (re-exported)
    DEFAULT_JSON_FIELD_MAX_BYTES,
    MAX_JSON_DEPTH,
    MAX_STRING_LENGTH,
    has_lone_surrogate,
    is_number,
    json_field_max_bytes,
    json_problem,
    validate_clean_json,
    validate_finite,
    validate_json_object,
)

from .choices import Direction
from .odds import InvalidOdds, decimal_odds, normalize_odds

MAX_LEGS = 25
MAX_TAGS = 50
MAX_TAG_LENGTH = 50
LEG_REQUIRED_KEYS = ("player", "stat", "line")
LEG_OPTIONAL_KEYS = ("direction", "prop_market", "odds", "probability")


def validate_tags(value):
    validate_clean_json(value, "tags")
    if not isinstance(value, list):
        raise ValidationError("Must be a list of tags.", code="not_list")
    if len(value) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.", code="too_many")
    for index, tag in enumerate(value):
        if not isinstance(tag, str) or not tag.strip():
            raise ValidationError(f"tags[{index}]: must be non-empty text.", code="invalid_tag")
        if len(tag) > MAX_TAG_LENGTH or "\x00" in tag:
            raise ValidationError(
                f"tags[{index}]: at most {MAX_TAG_LENGTH} characters, no NUL.", code="invalid_tag"
            )


def validate_metrics(value):
    """An object of named finite numbers: {"roi": 0.15, "win_rate": 0.62}."""
    validate_clean_json(value, "metrics")
    if not isinstance(value, dict):
        raise ValidationError("Metrics must be a JSON object of named numbers.", code="not_object")
    for name, number in value.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 100 or "\x00" in name:
            raise ValidationError(f"metrics: {name!r} is not a valid metric name.", code="invalid")
        if not is_number(number):
            raise ValidationError(f"metrics.{name}: must be a finite number.", code="not_finite")


def validate_legs(value):
    """A non-empty list of legs, each {player, stat, line[, direction, prop_market, odds,
    probability]}. Leg odds follow the odds rule and are normalized in place to decimal."""
    validate_clean_json(value, "legs")
    if not isinstance(value, list) or not value:
        raise ValidationError("A slip needs a non-empty list of legs.", code="no_legs")
    if len(value) > MAX_LEGS:
        raise ValidationError(f"A slip has at most {MAX_LEGS} legs.", code="too_many_legs")
    for index, leg in enumerate(value):
        _validate_leg(leg, f"legs[{index}]")


def _validate_leg(leg, path):
    if not isinstance(leg, dict):
        raise ValidationError(f"{path}: must be an object with player, stat and line.")
    unknown = sorted(set(leg) - set(LEG_REQUIRED_KEYS) - set(LEG_OPTIONAL_KEYS))
    if unknown:
        raise ValidationError(f"{path}: unknown field(s) {', '.join(map(str, unknown))}.")
    for key in ("player", "stat"):
        text = leg.get(key)
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(f"{path}.{key}: required, non-empty text.")
        if len(text) > 255 or "\x00" in text:
            raise ValidationError(f"{path}.{key}: at most 255 characters, no NUL.")
    if not is_number(leg.get("line")) or leg["line"] < 0:
        raise ValidationError(f"{path}.line: required, a finite number of at least 0.")
    if "direction" in leg and leg["direction"] not in Direction.values:
        raise ValidationError(f"{path}.direction: must be one of {', '.join(Direction.values)}.")
    if "prop_market" in leg and leg["prop_market"] is not None:
        try:
            uuid.UUID(str(leg["prop_market"]))
        except ValueError:
            raise ValidationError(f"{path}.prop_market: must be a prop market id (UUID).") from None
    if "odds" in leg and leg["odds"] is not None:
        if not is_number(leg["odds"]):
            raise ValidationError(f"{path}.odds: must be a finite number.")
        try:
            leg["odds"] = decimal_odds(odds=leg["odds"])
        except InvalidOdds as exc:
            raise ValidationError(f"{path}.odds: {exc}") from None
    if "probability" in leg and leg["probability"] is not None:
        probability = leg["probability"]
        if not is_number(probability) or not 0 <= probability <= 1:
            raise ValidationError(f"{path}.probability: must be a number between 0 and 1.")


def validate_correlations(matrix, legs_count):
    """An N x N symmetric matrix for N legs, 1 on the diagonal, values in [-1, 1]; None allowed."""
    if matrix is None:
        return
    if not isinstance(matrix, list) or len(matrix) != legs_count:
        raise ValidationError(
            f"Correlations must be a {legs_count}x{legs_count} matrix (one row per leg)."
        )
    for i, row in enumerate(matrix):
        if not isinstance(row, list) or len(row) != legs_count:
            raise ValidationError(f"correlations[{i}]: must be a row of {legs_count} numbers.")
        for j, value in enumerate(row):
            if not is_number(value) or not -1 <= value <= 1:
                raise ValidationError(f"correlations[{i}][{j}]: must be a number in [-1, 1].")
    for i in range(legs_count):
        if matrix[i][i] != 1:
            raise ValidationError(f"correlations[{i}][{i}]: the diagonal must be 1.")
        for j in range(i + 1, legs_count):
            if not math.isclose(matrix[i][j], matrix[j][i], abs_tol=1e-9):
                raise ValidationError(
                    f"correlations[{i}][{j}] and [{j}][{i}] differ: the matrix must be symmetric."
                )


def validate_decimal_odds(value):
    """Stored odds: decimal, above 1.0 (American odds were converted on the way in)."""
    if value is None:
        return
    try:
        normalize_odds(value)
    except InvalidOdds as exc:
        raise ValidationError(str(exc), code="invalid_odds") from None

"""Serializer fields for the JSON columns, each with the JSON Schema the API documents and the
validator of `props.validators` that enforces it (declared fields do not inherit the model's)."""

from drf_spectacular.utils import extend_schema_field

from betterbros.api.serializers import JSONValueField

from ..choices import Direction
from ..validators import (
    LEG_REQUIRED_KEYS,
    MAX_LEGS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    validate_clean_json,
    validate_legs,
    validate_metrics,
    validate_tags,
)

LEG_SCHEMA = {
    "type": "object",
    "required": list(LEG_REQUIRED_KEYS),
    "additionalProperties": False,
    "properties": {
        "player": {"type": "string", "maxLength": 255},
        "stat": {"type": "string", "maxLength": 255},
        "line": {"type": "number", "minimum": 0},
        "direction": {"type": "string", "enum": Direction.values},
        "prop_market": {"type": "string", "format": "uuid", "nullable": True},
        "odds": {
            "type": "number",
            "nullable": True,
            "description": "Decimal odds (> 1.0); American odds of -100 or below are converted.",
        },
        "probability": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
    },
}


@extend_schema_field(
    {"type": "array", "minItems": 1, "maxItems": MAX_LEGS, "items": LEG_SCHEMA},
)
class LegsField(JSONValueField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_legs])
        kwargs.setdefault(
            "help_text",
            "The legs: player, stat, line; optionally direction, prop_market, odds, probability.",
        )
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "array",
        "nullable": True,
        "items": {"type": "array", "items": {"type": "number", "minimum": -1, "maximum": 1}},
        "description": "NxN symmetric correlation matrix for N legs, 1 on the diagonal.",
    }
)
class CorrelationsField(JSONValueField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_clean_json])
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "example": {"roi": 0.15, "win_rate": 0.62, "sharpe": 1.8},
    }
)
class MetricsField(JSONValueField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_metrics])
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Named finite numbers, e.g. roi, win_rate, sharpe.")
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "array",
        "maxItems": MAX_TAGS,
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH},
    }
)
class TagsField(JSONValueField):
    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_tags])
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

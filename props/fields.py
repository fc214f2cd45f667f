"""Model fields that carry one of the data's rules with them."""

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from betterbros import json_fields

from .odds import InvalidOdds, normalize_odds


def _converted(value):
    """Convert American odds (<= -100) to decimal; leave everything else for validation."""
    try:
        return normalize_odds(value) if value is not None and float(value) <= -100 else value
    except (TypeError, ValueError, InvalidOdds):
        return value


class _DecimalOddsAttribute(DeferredAttribute):
    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = _converted(value)


class DecimalOddsField(models.FloatField):
    """Decimal odds. American odds of -100 or below are converted on assignment and on every
    write path that bypasses model instances (QuerySet.update, bulk_create), so that the seed's
    `PropMarket(..., odds=-110)` stores 1.9091."""

    descriptor_class = _DecimalOddsAttribute

    def get_prep_value(self, value):
        return super().get_prep_value(_converted(value))


class ValidatedJSONField(json_fields.ValidatedJSONField):
    """`betterbros.json_fields.ValidatedJSONField` under the path props' migrations and
    historical models name (a subclass, not a re-export, so that the move changed no
    migration of props)."""

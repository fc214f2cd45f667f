"""Model fields that carry one of the data's rules with them."""

import sys

from django.db import models
from django.db.models.query_utils import DeferredAttribute

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


# Extra stack frames allowed while reading one stored JSON value that is too deep.
DEEP_VALUE_EXTRA_FRAMES = 5_000


class ValidatedJSONField(models.JSONField):
    """A JSONField whose validators also see `[]` and `{}`.

    Model.clean_fields skips the validators of a blank=True field whose value is "empty", and
    for JSONField `[]` and `{}` count as empty — so `[]` where an object belongs would pass
    full_clean (admin forms, services) and only be stopped by the database's CHECK. Only None
    and "" are empty here; an empty object is then checked (and accepted) by the validators.
    """

    empty_values = [None, ""]

    def from_db_value(self, value, expression, connection):
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            # A value stored deeper than the request's remaining stack allows (before the depth
            # limit existed, or by raw SQL) is read with more room, so that the admin can still
            # open the row and staff can replace it; validation then refuses it on save.
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(limit + DEEP_VALUE_EXTRA_FRAMES)
            try:
                return super().from_db_value(value, expression, connection)
            finally:
                sys.setrecursionlimit(limit)

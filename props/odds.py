"""The odds rule (DESIGN.md): odds are stored as decimal odds greater than 1.0.

A value of -100 or below can only be American odds and is converted wherever odds enter.
Positive American odds look like decimal odds as bare numbers, so they only come in through an
explicit `american_odds` value. Anything in (-100, 1.0] is neither and is rejected, and so are
decimal odds above MAX_DECIMAL_ODDS (the database's CHECK bound).

`decimal_odds(odds=…, american_odds=…)` is the one entry point the API, the admin and the
importers call for a value given either way.
"""

import math

DECIMAL_PLACES = 4
MAX_DECIMAL_ODDS = 10_000


class InvalidOdds(ValueError):
    """Odds that follow no form of the rule; `field` names the input that was wrong."""

    def __init__(self, message, field="odds"):
        super().__init__(message)
        self.field = field


def american_to_decimal(american) -> float:
    """+150 -> 2.5, -110 -> 1.9091. Raises InvalidOdds for values that are not American odds."""
    value = _as_finite_number(american)
    if value >= 100:
        decimal = 1 + value / 100
    elif value <= -100:
        decimal = 1 + 100 / -value
    else:
        raise InvalidOdds(
            f"{american} is not American odds (they are at least +100 or at most -100)."
        )
    return _bounded(round(decimal, DECIMAL_PLACES))


def normalize_odds(value):
    """Decimal odds from a stored or entered `odds` value; None stays None.

    Values of -100 or below are American and converted; values above 1.0 are already decimal.
    """
    if value is None:
        return None
    number = _as_finite_number(value)
    if number <= -100:
        return american_to_decimal(number)
    if number > 1.0:
        return _bounded(round(number, DECIMAL_PLACES))
    raise InvalidOdds(
        f"{value} is not valid odds: use decimal odds above 1.0, American odds of -100 or below, "
        "or american_odds for positive American odds."
    )


def decimal_odds(*, odds=None, american_odds=None):
    """Decimal odds from input that gives `odds` (decimal, or American of -100 or below) or
    `american_odds` (either sign), not both; None when neither is given. Blank text counts as
    not given. InvalidOdds.field says which input to blame."""
    odds = None if odds == "" else odds
    american_odds = None if american_odds == "" else american_odds
    if american_odds is None:
        return normalize_odds(odds)
    if odds is not None:
        raise InvalidOdds(
            "Give the odds either as odds or as American odds, not both.", "american_odds"
        )
    try:
        return american_to_decimal(american_odds)
    except InvalidOdds as exc:
        raise InvalidOdds(str(exc), "american_odds") from None


def _bounded(decimal):
    if decimal > MAX_DECIMAL_ODDS:
        raise InvalidOdds(f"{decimal} is above the maximum decimal odds of {MAX_DECIMAL_ODDS}.")
    if decimal <= 1.0:
        # 1.00001, or American odds beyond about -2,000,000, round to 1.0, which pays nothing.
        raise InvalidOdds(
            f"The odds round to {decimal} at {DECIMAL_PLACES} decimal places; decimal odds must "
            "be above 1.0."
        )
    return decimal


def _as_finite_number(value) -> float:
    if isinstance(value, bool):
        raise InvalidOdds(f"{value!r} is not a number.")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidOdds(f"{value!r} is not a number.") from exc
    if not math.isfinite(number):
        raise InvalidOdds(f"{value!r} is not a finite number.")
    return number

"""The odds rule (DESIGN.md): odds are stored as decimal odds greater than 1.0.

A value of -100 or below can only be American odds and is converted wherever odds enter.
Positive American odds look like decimal odds as bare numbers, so they only come in through an
explicit `american_odds` value. Anything in (-100, 1.0] is neither and is rejected.
"""

import math

DECIMAL_PLACES = 4


class InvalidOdds(ValueError):
    pass


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
    return round(decimal, DECIMAL_PLACES)


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
        return round(number, DECIMAL_PLACES)
    raise InvalidOdds(
        f"{value} is not valid odds: use decimal odds above 1.0, American odds of -100 or below, "
        "or american_odds for positive American odds."
    )


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

"""The odds rule (DESIGN.md): odds are stored as decimal odds greater than 1.0.

A value of -100 or below can only be American odds and is converted wherever odds enter.
Positive American odds look like decimal odds as bare numbers, so they only come in through an
explicit `american_odds` value. Anything in (-100, 1.0] is neither and is rejected, and so are
decimal odds above MAX_DECIMAL_ODDS (the database's CHECK bound).

`decimal_odds(odds=…, american_odds=…)` is the one entry point the API, the admin and the
importers call for a value given either way.

Odds a person types (the admin's odds inputs, the API's `odds`) go through `parse_typed_odds`
instead: there a leading `+` marks American odds (`+150` -> 2.5), and a whole number of 100 or
more without a sign is refused as ambiguous (150 could be either). Feeds keep their declared
formats and never go through it. `format_odds` shows stored odds the way staff read them.
"""

import math
import re

DECIMAL_PLACES = 4
MAX_DECIMAL_ODDS = 10_000
# From here up, a typed whole number reads as American odds as well as decimal odds.
AMBIGUOUS_FROM = 100
MINUS_SIGN = "\u2212"  # format_odds writes it (typographic); typed back, it is a minus
_WHOLE_NUMBER = re.compile(r"\d+")


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


# How each kind of input gives positive American odds, for the message that refuses a value.
POSITIVE_AMERICAN_BY_FIELD = "american_odds for positive American odds"
POSITIVE_AMERICAN_TYPED = "positive American odds with their sign (+150)"


def normalize_odds(value, *, positive_american=POSITIVE_AMERICAN_BY_FIELD):
    """Decimal odds from a stored or entered `odds` value; None stays None.

    Values of -100 or below are American and converted; values above 1.0 are already decimal.
    `positive_american` says, in the refusal, how this input takes positive American odds.
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
        f"or {positive_american}."
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


def parse_typed_odds(value):
    """Decimal odds from odds a person typed (text, or a number from JSON); None when blank.

    `+150` is American (2.5) and so is `-110` (1.9091, as everywhere); `2.5` and `150.0` are
    decimal. A whole number of 100 or more without a sign (`150`, or JSON's integer 150) reads
    both ways and is refused with both readings; a decimal point makes it decimal. Everything
    else follows the odds rule of `normalize_odds`.
    """
    if value is None or isinstance(value, bool | float):
        # A float is a JSON number written with a decimal point (or NaN): decimal odds.
        return normalize_odds(value, positive_american=POSITIVE_AMERICAN_TYPED)
    text = str(value).strip().replace(MINUS_SIGN, "-")
    if not text:
        return None
    if text.startswith("+"):
        return _typed_american(text)
    if _WHOLE_NUMBER.fullmatch(text) and int(text) >= AMBIGUOUS_FROM:
        raise InvalidOdds(_ambiguous(int(text)))
    return normalize_odds(text, positive_american=POSITIVE_AMERICAN_TYPED)


def american_equivalent(decimal) -> int:
    """The American odds staff know a decimal price by: 2.5 -> 150, 1.9091 -> -110."""
    if decimal >= 2:
        return round((decimal - 1) * 100)
    return -round(100 / (decimal - 1))


def format_odds(decimal) -> str:
    """Stored decimal odds with their American equivalent: "1.9091 (-110)" (a typographic
    minus), "2.5 (+150)"."""
    if decimal is None:
        return ""
    return f"{decimal_text(decimal)} ({format_american(american_equivalent(decimal))})"


def format_american(american: int) -> str:
    return f"+{american}" if american > 0 else f"{MINUS_SIGN}{-american}"


def decimal_text(decimal) -> str:
    """Decimal odds as a typed value that reads back the same: always with a decimal point
    (150.0, never 150, which parse_typed_odds would refuse as ambiguous) and every digit kept."""
    return repr(float(decimal))


def _typed_american(text):
    try:
        number = _as_finite_number(text[1:])
    except InvalidOdds:
        raise InvalidOdds(f"{text!r} is not a number.") from None
    if text[1:2] in {"+", "-"} or number < AMBIGUOUS_FROM:
        raise InvalidOdds(
            f"{text} is not American odds: after a + come American odds of 100 or more (e.g. +150)."
        )
    return american_to_decimal(number)


def _ambiguous(number):
    as_american = 1 + number / 100
    if number > MAX_DECIMAL_ODDS:
        return (
            f"{number} is not decimal odds (at most {MAX_DECIMAL_ODDS}): for American odds "
            f"type +{number} ({decimal_text(as_american)} decimal)."
        )
    return (
        f"{number} is ambiguous: decimal odds {number}.0, or American odds +{number} "
        f"({decimal_text(as_american)} decimal). Type +{number} for American odds or "
        f"{number}.0 for decimal odds."
    )


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

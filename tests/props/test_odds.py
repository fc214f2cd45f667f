import pytest

from props.odds import (
    InvalidOdds,
    american_to_decimal,
    decimal_odds,
    decimal_text,
    format_odds,
    normalize_odds,
    parse_typed_odds,
)
from tests.factories import PropMarketFactory


@pytest.mark.parametrize(
    ("american", "decimal"), [(-110, 1.9091), (150, 2.5), (-100, 2.0), (100, 2.0), (-250, 1.4)]
)
def test_american_odds_convert_to_decimal(american, decimal):
    assert american_to_decimal(american) == decimal


@pytest.mark.parametrize("value", [-99, -50, 0, 0.5, 1.0, 1, float("nan"), float("inf"), "x", True])
def test_values_that_are_neither_american_nor_decimal_are_rejected(value):
    with pytest.raises(InvalidOdds):
        normalize_odds(value)


def test_decimal_odds_pass_through_rounded():
    assert normalize_odds(1.909090909) == 1.9091
    assert normalize_odds(None) is None


@pytest.mark.django_db
def test_seed_example_odds_of_minus_110_are_stored_as_decimal():
    market = PropMarketFactory(odds=-110)
    assert market.odds == 1.9091
    market.refresh_from_db()
    assert market.odds == 1.9091


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, None),
        ({"odds": -110}, 1.9091),
        ({"odds": "2.5"}, 2.5),
        ({"american_odds": 150}, 2.5),
        ({"american_odds": "-110", "odds": ""}, 1.9091),
        ({"odds": None, "american_odds": None}, None),
    ],
)
def test_odds_enter_as_odds_or_as_american_odds(given, expected):
    assert decimal_odds(**given) == expected


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"odds": 1.9, "american_odds": -110}, "american_odds"),
        ({"american_odds": 50}, "american_odds"),
        ({"odds": 0.5}, "odds"),
        ({"odds": 10_001}, "odds"),
        ({"american_odds": 1_000_000}, "american_odds"),
    ],
)
def test_odds_given_twice_or_out_of_the_rule_name_the_input_to_blame(given, field):
    with pytest.raises(InvalidOdds) as info:
        decimal_odds(**given)
    assert info.value.field == field


# --- Odds a person types (admin inputs, the API's `odds`) --------------------------------------


@pytest.mark.parametrize(
    ("typed", "decimal"),
    [
        ("+150", 2.5),
        (" +150 ", 2.5),
        ("+100", 2.0),
        ("-110", 1.9091),
        ("\u2212110", 1.9091),  # the typographic minus the list shows, copied back
        (-110, 1.9091),
        ("2.5", 2.5),
        (2, 2.0),
        ("150.0", 150.0),
        (150.0, 150.0),  # a JSON number written with a decimal point
        ("99", 99.0),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_typed_odds_read_plus_and_minus_as_american_and_the_rest_as_decimal(typed, decimal):
    assert parse_typed_odds(typed) == decimal


@pytest.mark.parametrize("typed", ["150", 150, "100", " 250 "])
def test_a_typed_whole_number_of_100_or_more_is_ambiguous_and_the_message_gives_both_readings(
    typed,
):
    number = int(str(typed).strip())
    with pytest.raises(InvalidOdds) as info:
        parse_typed_odds(typed)
    message = str(info.value)
    assert f"{number} is ambiguous" in message
    assert f"decimal odds {number}.0" in message
    assert f"American odds +{number} ({1 + number / 100} decimal)" in message
    assert f"Type +{number} for American odds or {number}.0 for decimal odds." in message


def test_a_typed_whole_number_above_the_decimal_bound_only_offers_the_american_reading():
    with pytest.raises(InvalidOdds, match=r"type \+20000 \(201\.0 decimal\)"):
        parse_typed_odds("20000")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("+50", "+50 is not American odds"),
        ("+-110", "+-110 is not American odds"),
        ("+abc", "'+abc' is not a number"),
        ("abc", "'abc' is not a number"),
        ("0.5", "is not valid odds"),
        ("-50", "is not valid odds"),
        ("nan", "not a finite number"),
        ("10001.0", "above the maximum"),
        (True, "not a number"),
    ],
)
def test_typed_odds_outside_the_rule_are_refused_with_the_reason(typed, message):
    with pytest.raises(InvalidOdds) as info:
        parse_typed_odds(typed)
    assert message in str(info.value)


@pytest.mark.parametrize("typed", ["0.5", "-50", 0.5])
def test_typed_odds_out_of_range_say_how_a_person_types_positive_american_odds(typed):
    # A person in the admin list or bulk edit has no american_odds field: the message says +150.
    with pytest.raises(InvalidOdds) as info:
        parse_typed_odds(typed)
    assert "positive American odds with their sign (+150)" in str(info.value)
    assert "american_odds" not in str(info.value)


def test_odds_given_by_field_name_the_american_odds_field_for_positive_american_odds():
    with pytest.raises(InvalidOdds) as info:
        decimal_odds(odds=0.5)
    assert "american_odds for positive American odds" in str(info.value)


def test_a_market_reads_as_staff_read_it():
    market = PropMarketFactory.build(
        player_name="Patrick Mahomes",
        market_type="passing_yards",
        line=275.5,
        platform="draftkings",
    )
    assert str(market) == "Patrick Mahomes — Passing yards 275.5 (DraftKings)"


@pytest.mark.parametrize(
    ("decimal", "shown"),
    [
        (1.9091, "1.9091 (\u2212110)"),
        (2.5, "2.5 (+150)"),
        (2.0, "2.0 (+100)"),
        (1.5, "1.5 (\u2212200)"),
        (150.0, "150.0 (+14900)"),
        (None, ""),
    ],
)
def test_stored_odds_are_shown_as_decimal_with_the_american_equivalent(decimal, shown):
    assert format_odds(decimal) == shown


@pytest.mark.parametrize("decimal", [1.9091, 2.5, 150.0, 1.01, 10_000.0])
def test_shown_decimal_odds_read_back_unchanged(decimal):
    assert parse_typed_odds(decimal_text(decimal)) == decimal

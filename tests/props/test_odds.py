import pytest

from props.odds import InvalidOdds, american_to_decimal, decimal_odds, normalize_odds
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

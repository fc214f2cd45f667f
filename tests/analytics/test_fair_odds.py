"""props.fair_odds: implied probabilities and margin removal (multiplicative, power, Shin), checked
against cases computed by hand and, with hypothesis, the properties every method must keep."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from props.fair_odds import (
    METHODS,
    FairOddsError,
    booksum,
    break_even_probability,
    fair_pair,
    fair_probabilities,
    flex_break_even_probability,
    implied_probabilities,
    margin,
    shin_insider_share,
)

# Over -120 / Under +100 as decimal odds: 1 + 100/120 and 1 + 100/100.
OVER_MINUS_120 = 1 + 100 / 120
UNDER_PLUS_100 = 2.0


def test_implied_probabilities_of_minus_120_and_plus_100():
    # 1 / (220/120) = 120/220 = 0.545454…; 1 / 2 = 0.5.
    over, under = implied_probabilities([OVER_MINUS_120, UNDER_PLUS_100])
    assert round(over, 4) == 0.5455
    assert under == 0.5
    # Booksum 0.545454 + 0.5 = 1.045454…: a 4.55% margin.
    assert margin([OVER_MINUS_120, UNDER_PLUS_100]) == pytest.approx(0.0454545, abs=1e-7)


def test_multiplicative_fair_over_of_minus_120_plus_100_is_0_5217():
    # 0.545454… / 1.045454… = 0.521739… (= 12/23); Under 0.5 / 1.045454… = 0.478260… (= 11/23).
    over, under = fair_probabilities([OVER_MINUS_120, UNDER_PLUS_100])
    assert round(over, 4) == 0.5217
    assert over == pytest.approx(12 / 23, abs=1e-12)
    assert under == pytest.approx(11 / 23, abs=1e-12)


def test_shin_of_a_two_way_market_takes_half_the_margin_off_each_side():
    # For two outcomes Shin's probabilities equal the additive method's q_i - (S - 1)/2:
    # 0.545454 - 0.022727 = 0.522727 (= 23/44), 0.5 - 0.022727 = 0.477273 (= 21/44).
    over, under = fair_probabilities([OVER_MINUS_120, UNDER_PLUS_100], "shin")
    assert over == pytest.approx(23 / 44, abs=1e-9)
    assert under == pytest.approx(21 / 44, abs=1e-9)


def test_power_solves_for_the_exponent_that_makes_the_sides_sum_to_one():
    # k with (120/220)^k + (1/2)^k = 1: k = 1.0686 (0.52323 + 0.47677); Over = 0.52323.
    over, under = fair_probabilities([OVER_MINUS_120, UNDER_PLUS_100], "power")
    k = math.log(over) / math.log(120 / 220)
    assert (1 / 2) ** k == pytest.approx(under, abs=1e-12)
    assert round(over, 5) == 0.52323
    assert round(k, 4) == 1.0686


def test_power_takes_more_margin_off_the_long_shot_than_multiplicative_does():
    # -300 / +240: implied 0.75 and 0.294118.
    favourite, long_shot = 1 + 100 / 300, 3.4
    multiplicative = fair_probabilities([favourite, long_shot])
    power = fair_probabilities([favourite, long_shot], "power")
    assert power[1] < multiplicative[1]
    assert power[0] > multiplicative[0]


def test_standard_minus_110_pair_is_a_coin_flip_with_a_4_76_percent_margin():
    price = 1 + 100 / 110
    assert margin([price, price]) == pytest.approx(0.047619, abs=1e-6)
    for method in METHODS:
        assert fair_probabilities([price, price], method) == pytest.approx([0.5, 0.5])


def test_shin_insider_share_of_a_fair_book_is_zero_and_grows_with_the_margin():
    assert shin_insider_share([2.0, 2.0]) == 0.0
    small = shin_insider_share([1.95, 1.95])
    large = shin_insider_share([1.8, 1.8])
    assert 0 < small < large


def test_a_book_under_one_falls_back_to_multiplicative_for_shin():
    # 2.1 / 2.1: booksum 0.952; no insider share z >= 0 fits, so Shin normalises.
    assert fair_probabilities([2.1, 2.1], "shin") == pytest.approx([0.5, 0.5])
    assert fair_probabilities([2.2, 2.0], "shin") == pytest.approx(
        fair_probabilities([2.2, 2.0], "multiplicative")
    )


@pytest.mark.parametrize(
    "odds", [[1.9], [], [1.0, 2.0], [0.5, 2.0], [float("nan"), 2.0], [float("inf"), 2.0]]
)
def test_prices_that_give_no_probabilities_are_refused(odds):
    with pytest.raises(FairOddsError):
        fair_probabilities(odds)


def test_an_unknown_method_is_refused():
    with pytest.raises(FairOddsError):
        fair_probabilities([1.9, 1.9], "additive-ish")


def test_break_even_of_power_plays():
    # 2 picks at 3x: 3^(-1/2) = 0.57735; 3 at 5x: 5^(-1/3) = 0.58480; 4 at 10x: 0.56234;
    # 5 at 20x: 0.54928; 6 at 37.5x: 0.54658.
    assert break_even_probability(3, 2) == pytest.approx(1 / math.sqrt(3))
    assert round(break_even_probability(5, 3), 4) == 0.5848
    assert round(break_even_probability(10, 4), 4) == 0.5623
    assert round(break_even_probability(20, 5), 4) == 0.5493
    assert round(break_even_probability(37.5, 6), 4) == 0.5466


def test_break_even_of_a_3_pick_flex_paying_2_25x_and_1_25x():
    # 2.25 p^3 + 1.25 * 3 p^2 (1 - p) = 1  ->  p = 0.5909 (checked by substitution).
    p = flex_break_even_probability({3: 2.25, 2: 1.25}, 3)
    assert 2.25 * p**3 + 3.75 * p**2 * (1 - p) == pytest.approx(1, abs=1e-12)
    assert round(p, 4) == 0.5909
    # A flex with only the top prize is the power play.
    assert flex_break_even_probability({2: 3}, 2) == pytest.approx(1 / math.sqrt(3))


decimal_odds = st.floats(min_value=1.01, max_value=50.0, allow_nan=False, allow_infinity=False)
probability = st.floats(min_value=0.02, max_value=0.98, allow_nan=False)
under_one = st.floats(min_value=0.15, max_value=0.85, allow_nan=False)


@given(over=decimal_odds, under=decimal_odds, method=st.sampled_from(METHODS))
def test_fair_probabilities_of_two_sides_sum_to_one(over, under, method):
    fair = fair_probabilities([over, under], method)
    assert math.fsum(fair) == pytest.approx(1.0, abs=1e-9)
    assert all(0 < p < 1 for p in fair)


@given(over=decimal_odds, under=decimal_odds, method=st.sampled_from(METHODS))
def test_the_favourite_stays_the_favourite(over, under, method):
    fair_over, fair_under = fair_probabilities([over, under], method)
    if over < under:
        assert fair_over >= fair_under
    elif over > under:
        assert fair_over <= fair_under


@given(over=decimal_odds, under=decimal_odds)
def test_shins_two_outcome_closed_form_is_the_root_of_shins_equation(over, under):
    # fair_probabilities(…, "shin") takes q_i - (S - 1)/2 for two outcomes; Shin's p_i(z) at the
    # insider share z found by bisection (shin_insider_share) gives the same probabilities.
    implied = implied_probabilities([over, under])
    total = math.fsum(implied)
    if total <= 1.0 + 1e-9:
        return  # no insider share: Shin is multiplicative there
    z = shin_insider_share([over, under])
    by_bisection = [
        (math.sqrt(z * z + 4 * (1 - z) * q * q / total) - z) / (2 * (1 - z)) for q in implied
    ]
    closed = fair_probabilities([over, under], "shin")
    assert closed == [q - (total - 1) / 2 for q in implied]
    assert closed == pytest.approx(by_bisection, abs=1e-9)


@given(p=probability, method=st.sampled_from(METHODS))
def test_a_zero_margin_pair_is_returned_unchanged(p, method):
    odds = [1 / p, 1 / (1 - p)]
    implied = implied_probabilities(odds)
    fair = fair_probabilities(odds, method)
    assert fair == pytest.approx(implied, abs=1e-12)
    assert fair == pytest.approx([p, 1 - p], abs=1e-12)


@given(p=probability)
def test_power_and_shin_agree_with_multiplicative_on_a_fair_pair(p):
    odds = [1 / p, 1 / (1 - p)]
    multiplicative = fair_probabilities(odds, "multiplicative")
    assert fair_probabilities(odds, "power") == pytest.approx(multiplicative, abs=1e-12)
    assert fair_probabilities(odds, "shin") == pytest.approx(multiplicative, abs=1e-12)


@given(p=under_one, vig=st.floats(min_value=0.0, max_value=0.15), method=st.sampled_from(METHODS))
def test_removing_a_proportional_margin_multiplicatively_gives_the_true_probabilities_back(
    p, vig, method
):
    # A book that scales both true probabilities by (1 + vig): multiplicative recovers them
    # exactly; the others stay within the margin of them.
    odds = [1 / (p * (1 + vig)), 1 / ((1 - p) * (1 + vig))]
    fair = fair_probabilities(odds, method)
    if method == "multiplicative":
        assert fair == pytest.approx([p, 1 - p], abs=1e-9)
    assert abs(fair[0] - p) <= vig + 1e-9
    assert booksum(odds) == pytest.approx(1 + vig, abs=1e-9)


@given(over=decimal_odds, under=decimal_odds)
def test_shin_probabilities_lie_between_the_implied_and_the_multiplicative_for_the_long_shot(
    over, under
):
    # Shin moves probability from the long shot to the favourite relative to normalisation
    # when there is a margin (and never beyond the implied probability).
    implied = implied_probabilities([over, under])
    if math.fsum(implied) <= 1 + 1e-9 or over == under:
        return
    shin = fair_probabilities([over, under], "shin")
    multiplicative = fair_probabilities([over, under])
    long_shot = 0 if over > under else 1
    assert shin[long_shot] <= multiplicative[long_shot] + 1e-12
    assert shin[long_shot] <= implied[long_shot] + 1e-12


@given(over=decimal_odds, under=decimal_odds, method=st.sampled_from(METHODS))
def test_the_two_way_shortcut_gives_what_fair_probabilities_gives(over, under, method):
    assert fair_pair(over, under, method) == pytest.approx(
        tuple(fair_probabilities([over, under], method)), abs=1e-15
    )

"""Fair (no-vig) probabilities from a sportsbook's prices: pure arithmetic, no Django.

A book prices each side of a market at decimal odds o_i. The implied probabilities
q_i = 1 / o_i sum to the booksum S = Σ q_i, above 1 by the book's margin (overround) S - 1.
Removing the margin gives fair probabilities p_i with Σ p_i = 1; the methods differ in how the
margin is spread over the sides (docs/analytics.md compares them):

- multiplicative (the default, "basic normalisation"): p_i = q_i / S.
- power: p_i = q_i^k with k solving Σ q_i^k = 1 (Clarke, Kovalchik & Ingram 2017, "Adjusting
  bookmaker's odds to allow for overround", American Journal of Sports Science 5(6): 45-49).
  Takes more of the margin off long shots than off favourites.
- shin: Shin's model of a book facing a share z of insiders (Shin 1991, "Optimal betting odds
  against insider traders", Economic Journal 101: 1179-1185; Shin 1993, "Measuring the incidence
  of insider trading in a market for state-contingent claims", Economic Journal 103:
  1141-1153). Given z, p_i = (√(z² + 4(1 - z) q_i² / S) - z) / (2(1 - z)) (Jullien & Salanié
  1994; Štrumbelj 2014, "On determining probability forecasts from betting odds", International
  Journal of Forecasting 30(4): 934-943, eq. 6); z is the root of Σ p_i(z) = 1 in [0, 1),
  found here by bisection (Štrumbelj's iterative solution converges to the same z). For two
  outcomes the root has a closed form: p_i = q_i - (S - 1) / 2 (half the margin off each side;
  with p_1 + p_2 = 1, z = (q_1² / S - p_1²) / (p_1 p_2) satisfies both sides' equations, since
  (q_1² - q_2²) / S = q_1 - q_2 = p_1² - p_2²), which `shin` uses: exact, where the bisection
  is within a few ulps of it.

Every method returns the implied probabilities unchanged when they already sum to 1 (a
zero-margin pair), and all three agree there. A book whose prices sum to less than 1 (an
arbitrage, e.g. two sides taken from different updates) has no Shin solution with z ≥ 0: Shin
then falls back to the multiplicative result, and says so in the docs.
"""

import math
from collections.abc import Sequence

METHODS = ("multiplicative", "power", "shin")
DEFAULT_METHOD = "multiplicative"
# Booksums this close to 1 are a fair book: floating-point noise, not a margin.
FAIR_TOLERANCE = 1e-12
_BISECTION_STEPS = 200


class FairOddsError(ValueError):
    """Prices that give no probabilities: fewer than two sides, or odds not above 1.0."""


def implied_probabilities(decimal_odds: Sequence[float]) -> list[float]:
    """q_i = 1 / o_i for decimal odds o_i > 1 (e.g. 1.8333 → 0.5455, 2.0 → 0.5)."""
    if len(decimal_odds) < 2:
        raise FairOddsError("Fair odds need the prices of at least two sides.")
    implied = []
    for odds in decimal_odds:
        value = float(odds)
        if not math.isfinite(value) or value <= 1.0:
            raise FairOddsError(f"{odds!r} is not decimal odds above 1.0.")
        implied.append(1.0 / value)
    return implied


def booksum(decimal_odds: Sequence[float]) -> float:
    """Σ 1/o_i: 1 for a fair book, 1 + margin otherwise."""
    return math.fsum(implied_probabilities(decimal_odds))


def margin(decimal_odds: Sequence[float]) -> float:
    """The book's overround, Σ 1/o_i - 1 (-110/-110: 0.0476)."""
    return booksum(decimal_odds) - 1.0


def fair_probabilities(decimal_odds: Sequence[float], method: str = DEFAULT_METHOD) -> list[float]:
    """The fair probability of each side, in the order given; they sum to 1."""
    implied = implied_probabilities(decimal_odds)
    total = math.fsum(implied)
    if abs(total - 1.0) <= FAIR_TOLERANCE:
        return implied
    if method == "multiplicative":
        return multiplicative(implied)
    if method == "power":
        return power(implied)
    if method == "shin":
        return shin(implied)
    raise FairOddsError(f"method must be one of {', '.join(METHODS)}.")


def fair_pair(over: float, under: float, method: str = DEFAULT_METHOD) -> tuple[float, float]:
    """fair_probabilities of a two-way market (Over, Under), with the default method's arithmetic
    inline (the edges read thousands of pairs per request)."""
    if method == "multiplicative" and over > 1.0 and under > 1.0:
        over_implied, under_implied = 1.0 / over, 1.0 / under
        total = over_implied + under_implied
        if math.isfinite(total) and abs(total - 1.0) > FAIR_TOLERANCE:
            return over_implied / total, under_implied / total
    fair_over, fair_under = fair_probabilities([over, under], method)
    return fair_over, fair_under


def multiplicative(implied: Sequence[float]) -> list[float]:
    """p_i = q_i / Σ q."""
    total = math.fsum(implied)
    return [q / total for q in implied]


def power(implied: Sequence[float]) -> list[float]:
    """p_i = q_i^k, k > 0 solving Σ q_i^k = 1 (Σ q^k falls as k grows, as every q_i < 1)."""
    if any(q >= 1.0 for q in implied):
        return multiplicative(implied)  # a side priced at odds ≤ 1 has no power solution

    def excess(k):
        return math.fsum(q**k for q in implied) - 1.0

    low, high = 0.0, 1.0
    while excess(high) > 0:
        low, high = high, high * 2
    k = _bisect(excess, low, high)
    return _normalised([q**k for q in implied])


def shin(implied: Sequence[float]) -> list[float]:
    """Shin's probabilities for insider share z in [0, 1) solving Σ p_i(z) = 1."""
    total = math.fsum(implied)
    if total <= 1.0:
        return multiplicative(implied)  # no z ≥ 0 fits a book under 1 (see the module doc)
    if len(implied) == 2:
        half_margin = (total - 1.0) / 2  # the closed form of two outcomes (module doc)
        return [q - half_margin for q in implied]

    def probabilities(z):
        return [
            (math.sqrt(z * z + 4 * (1 - z) * q * q / total) - z) / (2 * (1 - z)) for q in implied
        ]

    def excess(z):
        return math.fsum(probabilities(z)) - 1.0

    # Σ p(0) = √S > 1 and Σ p(z) → Σ q² / S < 1 as z → 1, so the root is in between.
    z = _bisect(excess, 0.0, 1.0 - 1e-12)
    return _normalised(probabilities(z))


def shin_insider_share(decimal_odds: Sequence[float]) -> float:
    """Shin's z for these prices (0 for a fair book or one under 1)."""
    implied = implied_probabilities(decimal_odds)
    total = math.fsum(implied)
    if total <= 1.0 + FAIR_TOLERANCE:
        return 0.0

    def excess(z):
        return (
            math.fsum(
                (math.sqrt(z * z + 4 * (1 - z) * q * q / total) - z) / (2 * (1 - z))
                for q in implied
            )
            - 1.0
        )

    return _bisect(excess, 0.0, 1.0 - 1e-12)


def break_even_probability(payout: float, picks: int) -> float:
    """The probability each of `picks` equally likely legs needs for an all-or-nothing entry
    paying `payout` times the stake to break even: payout^(-1/picks) (2 picks at 3x: 0.5774)."""
    if picks < 1 or not payout > 1:
        raise FairOddsError("An entry needs at least one pick and a payout above 1.")
    return payout ** (-1.0 / picks)


def flex_break_even_probability(payouts: dict[int, float], picks: int) -> float:
    """The per-leg probability p at which an entry paying `payouts[k]` times the stake for k of
    `picks` correct legs (independent, each p) breaks even: Σ_k payouts[k] C(picks, k) p^k
    (1 - p)^(picks - k) = 1. A power play is {picks: payout}; a 3-pick flex at 2.25x / 1.25x
    is {3: 2.25, 2: 1.25} (0.5909)."""
    if picks < 1 or any(not 0 <= k <= picks or pay < 0 for k, pay in payouts.items()):
        raise FairOddsError("Payouts must be for 0 to `picks` correct legs and not negative.")

    def expected_return(p):
        return math.fsum(
            pay * math.comb(picks, k) * p**k * (1 - p) ** (picks - k) for k, pay in payouts.items()
        )

    if expected_return(1.0) <= 1.0:
        raise FairOddsError(
            "An entry that pays at most the stake when every leg wins never breaks even."
        )
    # expected_return rises with p for payouts that reward more correct legs.
    return _bisect(lambda p: 1.0 - expected_return(p), 0.0, 1.0)


def _bisect(function, low, high):
    """The root of a decreasing `function` between low (positive) and high (not positive)."""
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if function(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _normalised(probabilities):
    """Removes the bisection's last rounding so the sides sum to 1 within a few ulps."""
    total = math.fsum(probabilities)
    return [p / total for p in probabilities]

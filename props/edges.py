"""Fair-odds consensus and edges of the live board (`GET /api/v1/prop-markets/edges/`).

One query reads the live, active markets of a league+week; the rest is arithmetic here:

- A sportsbook market with both an Over and an Under price (The Odds API and sportsbook CSV
  importers keep the Under price in extra_metadata) gives fair probabilities of both sides
  (props.fair_odds, multiplicative by default).
- The **consensus** of a (league, season, week, player, canonical market type, line) is the mean
  of those fair probabilities over the books that post both sides at that line; a book's
  alternate lines are markets of their own, so each counts at its own line.
- A pick'em market (PrizePicks, Underdog, …) at a consensus line gets an **edge** on its better
  side: fair probability - the leg's break-even probability (`break_even`, by default a 2-pick
  power play paying 3x, 1/√3; an Underdog option's payout multiplier m makes it break_even / m).
  PrizePicks demon and goblin lines pay differently (not in the feed), so they get none.
- Every sportsbook side gets its expected value against the consensus: fair x decimal price - 1.
- A pick'em line that differs from every book's line of that player and market is listed under
  `compare` with the books' lines (line shopping), without an edge.

docs/analytics.md documents every field and formula.
"""

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import orjson
from django.db import connections
from django.db.models import CharField, F
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Lower

from .choices import Platform
from .fair_odds import DEFAULT_METHOD, FairOddsError, fair_pair
from .models import PropMarket

PICKEM_PLATFORMS = frozenset(
    {Platform.PRIZEPICKS, Platform.UNDERDOG, Platform.SLEEPER, Platform.PICK6, Platform.BETR}
)
# A 2-pick power play paying 3x: each leg must win with probability 3^(-1/2).
DEFAULT_BREAK_EVEN = 1 / math.sqrt(3)
# PrizePicks lines that do not pay the standard entry multipliers.
NON_STANDARD_ODDS_TYPES = frozenset({"demon", "goblin"})
SIDES = ("over", "under")
UNDERDOG_CHOICES = {"over": "higher", "under": "lower"}
DIGITS = 6


@dataclass(frozen=True)
class EdgeQuery:
    league: str
    week: int
    season: int | None = None
    platform: str | None = None
    market_type: str | None = None
    player: str | None = None
    method: str = DEFAULT_METHOD
    break_even: float = DEFAULT_BREAK_EVEN
    min_edge: float | None = None
    min_books: int = 1
    limit: int = 50
    offset: int = 0


class Consensus:
    """Mean fair probabilities at one line, and the priced book markets behind them."""

    __slots__ = ("_fields", "fair_over", "fair_under", "members")

    def __init__(self, fair_over, members):
        self.fair_over = fair_over
        self.fair_under = 1.0 - fair_over
        self.members = members  # PricedBook, sorted by platform
        self._fields = None

    @property
    def platforms(self):
        return [book.row.platform for book in self.members]

    def fields(self):
        """The consensus as the API writes it (built once, shared by every row at the line)."""
        if self._fields is None:
            self._fields = {
                "fair_over": _round(self.fair_over),
                "fair_under": _round(self.fair_under),
                "book_count": len(self.members),
                "books": [
                    {
                        "platform": book.row.platform,
                        "over_price": _round(book.over),
                        "under_price": _round(book.under),
                        "fair_over": _round(book.fair_over),
                    }
                    for book in self.members
                ],
            }
        return self._fields


class PricedBook(NamedTuple):
    row: tuple
    key: tuple
    over: float
    under: float
    fair_over: float
    fair_under: float


def edges(query: EdgeQuery, using=None) -> dict:
    """Edges, sportsbook offers and line-shopping rows of one league+week (one query).

    Every row is scored and counted; the dicts the API writes are built for the requested
    window only."""
    books, pickem = [], []
    for row in _board_rows(query, using):
        (pickem if row.platform in PICKEM_PLATFORMS else books).append(row)
    priced = _priced_books(books, query.method)
    consensus = _consensus(priced, query.min_books)
    lines_of = defaultdict(list)  # (league, season, week, player, market type) -> consensus lines
    for key in consensus:
        lines_of[key[:-1]].append(key[-1])

    results, compare = [], []
    for row in pickem:
        if query.platform and row.platform != query.platform:
            continue
        key = _key(row)
        found = consensus.get(key)
        if found is not None and row.odds_type not in NON_STANDARD_ODDS_TYPES:
            scored = _pickem_edge(row, found, query.break_even)
            if query.min_edge is None or scored[0] >= query.min_edge:
                results.append((-scored[0], *_order(row), scored))
        elif found is None and lines_of.get(key[:-1]):
            lines = [(line, consensus[(*key[:-1], line)]) for line in sorted(lines_of[key[:-1]])]
            compare.append((*_compare_order(row), row, lines))
        elif found is not None:
            compare.append((*_compare_order(row), row, [(row.line, found)]))

    offers = []
    for book in priced:
        row = book.row
        if query.platform and row.platform != query.platform:
            continue
        found = consensus.get(book.key)
        if found is None:
            continue
        order = _order(row)
        for side, price, own, fair in (
            ("over", book.over, book.fair_over, found.fair_over),
            ("under", book.under, book.fair_under, found.fair_under),
        ):
            ev = fair * price - 1.0
            if query.min_edge is None or ev >= query.min_edge:
                offers.append((-ev, *order, side, (ev, side, price, own, fair, row, found)))

    # Sorted tuples (sort key first, the row's payload last), and only the window's rows sorted
    # in full: the rest are counted.
    window = query.offset + query.limit
    return {
        "league": query.league,
        "week": query.week,
        "method": query.method,
        "break_even": query.break_even,
        "counts": {"results": len(results), "offers": len(offers), "compare": len(compare)},
        "results": [
            _edge_fields(*entry[-1]) for entry in heapq.nsmallest(window, results)[query.offset :]
        ],
        "offers": [
            _offer_fields(*entry[-1]) for entry in heapq.nsmallest(window, offers)[query.offset :]
        ],
        "compare": [
            _compare_fields(*entry[-2:])
            for entry in heapq.nsmallest(window, compare)[query.offset :]
        ],
    }


def _compare_order(row):
    return (row.player_name, row.market_type, row.line, row.platform, row.market_id)


def best_edges(league, week, *, limit=10, min_edge=0.0, using=None) -> list[dict]:
    """The best pick'em edges of a league+week (the admin dashboard's "best current edges")."""
    query = EdgeQuery(league=league, week=week, min_edge=min_edge, limit=limit)
    return edges(query, using=using)["results"]


def book_prices(row) -> tuple[float, float] | None:
    """(Over, Under) decimal prices of a sportsbook market, or None without both.

    The sportsbook CSV keeps both sides as American odds (`over_price_american`,
    `under_price_american`), read unrounded; The Odds API keeps the Under's price as the feed
    gave it (`under_price`: American when its magnitude is 100 or more, else decimal) and the
    Over's in `odds`."""
    over = _american(row.over_american)
    if over is None and row.odds is not None:
        over = float(row.odds)
    under = _american(row.under_american)
    if under is None:
        under = _feed_price(row.under_price)
    if over is None or under is None or over <= 1.0 or under <= 1.0:
        return None
    return over, under


def _board_rows(query, using):
    markets = PropMarket.objects.using(using) if using else PropMarket.objects
    markets = markets.filter(
        snapshot__isnull=True, is_active=True, league=query.league, week=query.week
    )
    if query.season is not None:
        markets = markets.filter(season=query.season)
    if query.market_type:
        markets = markets.filter(market_type=query.market_type)
    if query.player:
        # Lower() on both sides, as the board's `player` filter (prop_markets_player_lower_idx).
        markets = markets.alias(player_lower=Lower("player_name")).filter(
            player_lower=query.player.lower()
        )
    # The id as text and the metadata as text keys: no UUID or JSON decoding per row (the
    # options JSON is parsed only for a pick'em market at a consensus line). SQLite keeps a
    # UUID as 32 hex digits, so there the id comes as a UUID, written as everywhere else.
    postgresql = connections[markets.db].vendor == "postgresql"
    return (
        markets.order_by()
        .annotate(
            market_id=Cast("id", output_field=CharField()) if postgresql else F("id"),
            over_american=KT("extra_metadata__over_price_american"),
            under_american=KT("extra_metadata__under_price_american"),
            under_price=KT("extra_metadata__under_price"),
            odds_type=KT("extra_metadata__odds_type"),
            options=KT("extra_metadata__options"),
        )
        .values_list(*ROW_FIELDS, named=True)
    )


ROW_FIELDS = (
    "market_id",
    "platform",
    "league",
    "season",
    "week",
    "player_name",
    "team",
    "market_type",
    "line",
    "odds",
    "over_american",
    "under_american",
    "under_price",
    "odds_type",
    "options",
)


def _key(row):
    return (
        row.league,
        row.season,
        row.week,
        row.player_name.strip().casefold(),
        row.market_type,
        row.line,
    )


def _order(row):
    return (row.player_name, row.market_type, row.platform, row.market_id)


def _priced_books(books, method):
    priced = []
    for row in books:
        prices = book_prices(row)
        if prices is None:
            continue
        try:
            fair_over, fair_under = fair_pair(*prices, method)
        except FairOddsError:
            continue
        priced.append(PricedBook(row, _key(row), prices[0], prices[1], fair_over, fair_under))
    return priced


def _consensus(priced, min_books):
    grouped = defaultdict(list)
    for book in priced:
        grouped[book.key].append(book)
    consensus = {}
    for key, group in grouped.items():
        if len({book.row.platform for book in group}) < min_books:
            continue
        group.sort(key=lambda book: (book.row.platform, book.row.market_id))
        fair_over = math.fsum(book.fair_over for book in group) / len(group)
        consensus[key] = Consensus(fair_over, group)
    return consensus


def _pickem_edge(row, found, break_even):
    """(edge, side, fair, leg break-even, payout multiplier, row, consensus) of the better side."""
    options = _options(row.options) if row.options else {}
    best = None
    for side, fair in (("over", found.fair_over), ("under", found.fair_under)):
        multiplier = _multiplier(options.get(UNDERDOG_CHOICES[side]))
        leg_break_even = break_even / multiplier
        edge = fair - leg_break_even
        if best is None or edge > best[0]:
            best = (edge, side, fair, leg_break_even, multiplier, row, found)
    return best


def _edge_fields(edge, side, fair, leg_break_even, multiplier, row, found):
    return {
        **_market_fields(row),
        "side": side,
        "fair_probability": _round(fair),
        "break_even": _round(leg_break_even),
        "payout_multiplier": multiplier,
        "edge": _round(edge),
        "books": found.platforms,
        "consensus": found.fields(),
    }


def _offer_fields(ev, side, price, book_fair, fair, row, found):
    return {
        **_market_fields(row),
        "side": side,
        "price": _round(price),
        "book_fair_probability": _round(book_fair),
        "fair_probability": _round(fair),
        "ev": _round(ev),
        "books": found.platforms,
    }


def _compare_fields(row, lines):
    return {
        **_market_fields(row),
        "book_lines": [{"line": line, **found.fields()} for line, found in lines],
    }


def _market_fields(row):
    return {
        "id": row.market_id,
        "platform": row.platform,
        "player_name": row.player_name,
        "team": row.team,
        "league": row.league,
        "season": row.season,
        "week": row.week,
        "market_type": row.market_type,
        "line": row.line,
        "odds_type": row.odds_type,
    }


def _options(text):
    try:
        options = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    return options if isinstance(options, dict) else {}


def _multiplier(option):
    """An Underdog option's payout multiplier (1 when absent or not a positive number)."""
    if not isinstance(option, dict):
        return 1.0
    try:
        value = float(option.get("payout_multiplier"))
    except (TypeError, ValueError):
        return 1.0
    return value if math.isfinite(value) and value > 0 else 1.0


def _american(value):
    """Unrounded decimal odds of American odds (-120 → 1.8333…), None for anything else."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if number >= 100:
        return 1 + number / 100
    if number <= -100:
        return 1 + 100 / -number
    return None


def _feed_price(value):
    """A price as The Odds API gives it: American at magnitude 100 or more, else decimal."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if abs(number) >= 100:
        return _american(number)
    return number if number > 1.0 else None


def _round(value):
    return round(value, DIGITS)

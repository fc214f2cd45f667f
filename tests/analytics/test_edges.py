"""`GET /api/v1/prop-markets/edges/`: consensus fair probabilities across books, pick'em edges
against a break-even, sportsbook EVs, line shopping under `compare`; one query; cached under the
board version; hostile parameters are a 400 keyed by parameter.

The board (NFL week 5, season 2024), every number below computed by hand:

- Josh Allen passing_yards 250.5: DraftKings Over -120 / Under +100 (sportsbook CSV metadata):
  implied 120/220 = 0.545455 and 0.5, fair Over 12/23 = 0.521739. FanDuel Over 1.9091 (-110) /
  Under -110 (The Odds API's `under_price`): decimal 1.9091 (the odds column, rounded) and
  1 + 100/110 = 1.909091, fair Over 0.523807 / 1.047617 = 0.4999985. Consensus Over
  (0.5217391 + 0.4999985) / 2 = 0.5108688, Under 0.4891312.
- FanDuel also posts Allen 260.5 (alternate line) at 1.9091/1.9091: consensus 0.5 at 260.5.
- Travis Kelce receptions 5.5: DraftKings -200 / +160: implied 2/3 and 5/13, booksum 41/39, fair
  Over 26/41 = 0.634146, Under 15/41 = 0.365854.
- PrizePicks Allen 250.5 (standard): better side Over, edge 0.5108688 - 0.5773503 = -0.0664815.
- PrizePicks Kelce 5.5: Over, edge 0.634146 - 0.577350 = 0.056796.
- Underdog Kelce 5.5, higher pays 0.87x, lower 1.12x: Over break-even 0.577350 / 0.87 =
  0.663621, edge -0.029475; Under 0.577350 / 1.12 = 0.515491, edge 0.365854 - 0.515491 =
  -0.149637; the better side is Over.
- PrizePicks Patrick Mahomes passing_yards 270.5, the only book line 275.5: `compare`.
- PrizePicks demon Kelce 5.5: `compare` (demon payouts are not the entry's), no edge.
"""

import math

import pytest

from props.models import PropMarket
from props.services import update_market
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/prop-markets/edges/"
BOARD = "?league=NFL&week=5"
BREAK_EVEN = 1 / math.sqrt(3)


def book(platform, player, line, *, odds, market_type="passing_yards", **metadata):
    return PropMarketFactory(
        platform=platform,
        player_name=player,
        market_type=market_type,
        line=line,
        odds=odds,
        extra_metadata=metadata,
    )


def pickem(platform, player, line, *, market_type="passing_yards", **metadata):
    return PropMarketFactory(
        platform=platform,
        player_name=player,
        market_type=market_type,
        line=line,
        odds=None,
        extra_metadata=metadata,
    )


@pytest.fixture
def board():
    markets = {
        "dk_allen": book(
            "draftkings",
            "Josh Allen",
            250.5,
            odds=1.8333,
            over_price_american=-120,
            under_price_american=100,
        ),
        "fd_allen": book("fanduel", "Josh Allen", 250.5, odds=1.9091, under_price=-110),
        "fd_allen_alt": book("fanduel", "Josh Allen", 260.5, odds=1.9091, under_price=1.9091),
        "dk_kelce": book(
            "draftkings",
            "Travis Kelce",
            5.5,
            odds=1.5,
            market_type="receptions",
            over_price_american=-200,
            under_price_american=160,
        ),
        "dk_mahomes": book("draftkings", "Patrick Mahomes", 275.5, odds=1.9091, under_price=-110),
        "over_only": book("betmgm", "Josh Allen", 250.5, odds=1.8),
        "pp_allen": pickem("prizepicks", "Josh Allen", 250.5, odds_type="standard"),
        "pp_kelce": pickem("prizepicks", "Travis Kelce", 5.5, market_type="receptions"),
        "ud_kelce": pickem(
            "underdog",
            "travis kelce",
            5.5,
            market_type="receptions",
            options={
                "higher": {"payout_multiplier": "0.87"},
                "lower": {"payout_multiplier": "1.12"},
            },
        ),
        "pp_mahomes": pickem("prizepicks", "Patrick Mahomes", 270.5, odds_type="standard"),
        "pp_demon": pickem(
            "prizepicks", "Travis Kelce", 5.5, market_type="receptions", odds_type="demon"
        ),
    }
    # Not on the live week-5 board: pulled, in a snapshot, another week.
    PropMarketFactory(platform="prizepicks", player_name="Josh Allen", line=250.5, is_active=False)
    PropMarketFactory(
        platform="prizepicks",
        player_name="Josh Allen",
        line=250.5,
        snapshot=SnapshotFactory(snapshot_id="old-board"),
    )
    PropMarketFactory(platform="prizepicks", player_name="Josh Allen", line=250.5, week=6)
    return markets


def get(client, query=""):
    response = client.get(URL + BOARD + query)
    assert response.status_code == 200, response.content
    return response.json()


def by_id(rows):
    return {row["id"]: row for row in rows}


def test_pickem_edges_against_the_consensus_best_first(staff_client, board):
    body = get(staff_client)

    assert body["break_even"] == pytest.approx(BREAK_EVEN)
    assert body["method"] == "multiplicative"
    results = body["results"]
    assert [(r["platform"], r["player_name"], r["side"]) for r in results] == [
        ("prizepicks", "Travis Kelce", "over"),
        ("underdog", "travis kelce", "over"),
        ("prizepicks", "Josh Allen", "over"),
    ]
    kelce, underdog, allen = results
    assert kelce["fair_probability"] == pytest.approx(26 / 41, abs=1e-6)
    assert kelce["edge"] == pytest.approx(0.056796, abs=1e-6)
    assert kelce["books"] == ["draftkings"]
    assert kelce["consensus"]["books"] == [
        {"platform": "draftkings", "over_price": 1.5, "under_price": 2.6, "fair_over": 0.634146}
    ]
    assert (underdog["payout_multiplier"], underdog["break_even"]) == (0.87, 0.663621)
    assert underdog["edge"] == pytest.approx(-0.029475, abs=1e-6)
    assert allen["fair_probability"] == pytest.approx(0.5108688, abs=1e-6)
    assert allen["edge"] == pytest.approx(-0.0664815, abs=1e-6)
    assert allen["books"] == ["draftkings", "fanduel"]
    assert allen["consensus"]["book_count"] == 2
    assert allen["odds_type"] == "standard"
    assert body["counts"] == {"results": 3, "offers": 10, "compare": 2}


def test_a_pickem_line_no_book_posts_is_listed_to_compare_without_an_edge(staff_client, board):
    compare = by_id(get(staff_client)["compare"])

    mahomes = compare[str(board["pp_mahomes"].pk)]
    assert "edge" not in mahomes
    assert [(line["line"], line["fair_over"]) for line in mahomes["book_lines"]] == [
        (275.5, pytest.approx(0.4999985, abs=1e-6))
    ]
    demon = compare[str(board["pp_demon"].pk)]
    assert demon["odds_type"] == "demon"
    assert [line["line"] for line in demon["book_lines"]] == [5.5]


def test_every_sportsbook_side_gets_its_ev_against_the_consensus(staff_client, board):
    offers = {(o["id"], o["side"]): o for o in get(staff_client, "&limit=500")["offers"]}

    dk_over = offers[(str(board["dk_allen"].pk), "over")]
    # 1.833333 x 0.5108688 - 1 = -0.0634072
    assert dk_over["price"] == pytest.approx(1.833333, abs=1e-6)
    assert dk_over["book_fair_probability"] == pytest.approx(12 / 23, abs=1e-6)
    assert dk_over["ev"] == pytest.approx(-0.0634072, abs=1e-6)
    # 2.0 x 0.4891312 - 1 = -0.0217376
    assert offers[(str(board["dk_allen"].pk), "under")]["ev"] == pytest.approx(-0.0217376, abs=1e-6)
    # A single book's own consensus: ev = 1/booksum - 1 on both sides (39/41 - 1 = -0.048780).
    for side in ("over", "under"):
        assert offers[(str(board["dk_kelce"].pk), side)]["ev"] == pytest.approx(-2 / 41, abs=1e-6)
    # The alternate line is its own consensus; a book with only an Over price offers nothing.
    assert offers[(str(board["fd_allen_alt"].pk), "over")]["fair_probability"] == 0.5
    assert not any(key[0] == str(board["over_only"].pk) for key in offers)
    evs = [o["ev"] for o in get(staff_client, "&limit=500")["offers"]]
    assert evs == sorted(evs, reverse=True)


def test_min_edge_platform_and_break_even_filter_and_reprice(staff_client, board):
    positive = get(staff_client, "&min_edge=0")
    assert [r["id"] for r in positive["results"]] == [str(board["pp_kelce"].pk)]
    assert positive["offers"] == []

    underdog = get(staff_client, "&platform=underdog")["results"]
    assert [r["id"] for r in underdog] == [str(board["ud_kelce"].pk)]

    # break_even=0.5: Allen's Over 0.5108688 - 0.5 = 0.0108688.
    allen = by_id(get(staff_client, "&break_even=0.5")["results"])[str(board["pp_allen"].pk)]
    assert allen["edge"] == pytest.approx(0.0108688, abs=1e-6)


def test_shin_and_power_methods_change_the_consensus(staff_client, board):
    shin = by_id(get(staff_client, "&method=shin")["results"])[str(board["pp_allen"].pk)]
    # DraftKings Shin Over 23/44 = 0.5227273, FanDuel 0.4999985: mean 0.5113629.
    assert shin["fair_probability"] == pytest.approx(0.5113629, abs=1e-6)
    power = by_id(get(staff_client, "&method=power")["results"])[str(board["pp_allen"].pk)]
    assert power["fair_probability"] > shin["fair_probability"]


def test_min_books_keeps_lines_posted_by_enough_books(staff_client, board):
    body = get(staff_client, "&min_books=2")
    assert [r["id"] for r in body["results"]] == [str(board["pp_allen"].pk)]


def test_one_query_reads_the_board(staff_client, board, django_assert_num_queries):
    with django_assert_num_queries(1):
        get(staff_client, "&method=power")


def test_cached_under_the_board_version_until_a_write(
    staff_client, board, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = get(staff_client)
    with django_assert_num_queries(0):
        assert get(staff_client) == first

    with django_capture_on_commit_callbacks(execute=True):
        update_market(market=board["pp_kelce"], user=staff_user, line=6.5)

    after = get(staff_client)
    assert str(board["pp_kelce"].pk) not in by_id(after["results"])
    assert str(board["pp_kelce"].pk) in by_id(after["compare"])


def test_limit_and_offset_page_each_list(staff_client, board):
    body = get(staff_client, "&limit=1&offset=1")
    assert [r["id"] for r in body["results"]] == [str(board["ud_kelce"].pk)]
    assert len(body["offers"]) == 1
    assert body["counts"]["results"] == 3


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("?week=5", "league"),
        ("?league=NFL", "week"),
        ("?league=XFL&week=5", "league"),
        ("?league=NFL&week=5&break_even=1.5", "break_even"),
        ("?league=NFL&week=5&break_even=NaN", "break_even"),
        ("?league=NFL&week=5&method=vig", "method"),
        ("?league=NFL&week=5&min_edge=abc", "min_edge"),
        ("?league=NFL&week=5&min_books=0", "min_books"),
        ("?league=NFL&week=5&limit=501", "limit"),
    ],
)
def test_bad_parameters_are_a_400_keyed_by_parameter(staff_client, query, parameter):
    response = staff_client.get(URL + query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    message = response.json()[parameter][0]
    assert message.startswith(f"{parameter} ")


def test_anonymous_callers_are_refused(client_for, board):
    assert client_for(None).get(URL + BOARD).status_code in (401, 403)


def test_best_edges_selector_gives_the_dashboard_the_top_edges(board):
    from props.edges import best_edges

    rows = best_edges("NFL", 5, limit=5)
    assert [row["id"] for row in rows] == [str(board["pp_kelce"].pk)]
    assert PropMarket.objects.count() == 14

"""End to end on the real captures (../shared/data, see SOURCES.md): the sportsbook CSV (9 books,
NBA, American odds) and the PrizePicks NBA board of 2024-03-19, imported through the importers,
then read through `GET /api/v1/prop-markets/edges/`.

The CSV names no date, so it is imported as the PrizePicks board's week: 2024-03-19 is ISO week
12 of the NBA's 2023 season (props.importers.weeks).

Computed by hand from the files (decimal odds d = 1 + A/100 for A >= +100, 1 + 100/-A for
A <= -100; implied q = 1/d; multiplicative fair Over = q_over / (q_over + q_under); break-even
1/sqrt(3) = 0.5773503):

- Kyrie Irving, Points 25.5 (PrizePicks projection 2148661, standard). betrivers and unibet_us
  both Over +188 / Under -305: q_over = 1/2.88 = 0.347222, q_under = 305/405 = 0.753086, fair
  Over 0.347222 / 1.100309 = 0.315568, Under 0.684432. Better side Under, edge 0.684432 -
  0.577350 = 0.107082.
- Anthony Edwards, Points 28.5 (2151329, standard). betrivers and unibet_us both -159 / +116:
  q_over = 159/259 = 0.613900, q_under = 1/2.16 = 0.462963, fair Over 0.570082. Side Over,
  edge 0.570082 - 0.577350 = -0.007269.
- Daniel Gafford, Rebs+Asts 8.5 (2148766, standard): draftkings +114/-135 (fair Over 0.448559),
  betmgm +110/-145 (0.445860), williamhill_us +104/-142 (0.455161), bovada +110/-145 (0.445860):
  mean Over 0.448860, Under 0.551140; side Under, edge 0.551140 - 0.577350 = -0.026210.
- Rudy Gobert, Points 9.5 is a goblin (2151323): no edge, listed under compare with the books'
  9.5 line (betrivers and unibet_us -220 / +148).
"""

from pathlib import Path

import pytest

from props.importers import run_import
from props.models import PropMarket

SHARED = Path(__file__).resolve().parents[2].parent / "shared/data"
PRIZEPICKS = SHARED / "prizepicks/2024-03-19-nba.json"
SPORTSBOOK = SHARED / "sportsbook-csv/2024-nba-books-results.csv"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SPORTSBOOK.is_file(), reason="../shared/data is absent"),
]


@pytest.fixture
def edges(staff_client):
    run_import(PRIZEPICKS)
    run_import(SPORTSBOOK, league="NBA", week=12, season=2023)
    assert set(PropMarket.objects.values_list("league", "season", "week").distinct()) == {
        ("NBA", 2023, 12)
    }
    response = staff_client.get("/api/v1/prop-markets/edges/?league=NBA&week=12&limit=500")
    assert response.status_code == 200, response.content
    return response.json()


def prizepicks(body, projection, section="results"):
    market = PropMarket.objects.get(platform="prizepicks", external_id=projection)
    (row,) = [row for row in body[section] if row["id"] == str(market.pk)]
    return row


def test_kyrie_irvings_points_under_is_the_biggest_edge_of_the_board(edges):
    kyrie = prizepicks(edges, "2148661")

    assert (kyrie["player_name"], kyrie["market_type"], kyrie["line"]) == (
        "Kyrie Irving",
        "points",
        25.5,
    )
    assert kyrie["side"] == "under"
    assert kyrie["fair_probability"] == pytest.approx(0.684432, abs=1e-6)
    assert kyrie["edge"] == pytest.approx(0.107082, abs=1e-6)
    assert kyrie["books"] == ["betrivers", "unibet_us"]
    assert edges["results"][0]["edge"] >= kyrie["edge"]


def test_anthony_edwards_points_over_falls_just_short_of_break_even(edges):
    edwards = prizepicks(edges, "2151329")

    assert edwards["side"] == "over"
    assert edwards["fair_probability"] == pytest.approx(0.570082, abs=1e-6)
    assert edwards["edge"] == pytest.approx(-0.007269, abs=1e-6)


def test_daniel_gaffords_rebounds_assists_average_four_books(edges):
    gafford = prizepicks(edges, "2148766")

    assert gafford["market_type"] == "rebounds_assists"
    assert gafford["books"] == ["betmgm", "bovada", "draftkings", "williamhill_us"]
    assert gafford["consensus"]["fair_over"] == pytest.approx(0.448860, abs=1e-6)
    assert gafford["side"] == "under"
    assert gafford["edge"] == pytest.approx(-0.026210, abs=1e-6)


def test_a_goblin_line_is_compared_not_given_an_edge(edges):
    gobert = prizepicks(edges, "2151323", section="compare")

    assert gobert["odds_type"] == "goblin"
    (line,) = gobert["book_lines"]
    assert line["line"] == 9.5
    assert [book["platform"] for book in line["books"]] == ["betrivers", "unibet_us"]
    # -220 / +148: q = 220/320 = 0.6875 and 1/2.48 = 0.403226;
    # fair Over 0.6875 / 1.090726 = 0.630314.
    assert line["fair_over"] == pytest.approx(0.630314, abs=1e-6)

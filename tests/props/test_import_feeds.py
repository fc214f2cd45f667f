"""What each feed parser keeps from its feed, beyond the counts the sample tests check."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from props.importers import ImportFailed, run_import
from props.models import PropMarket

FEEDS = Path(__file__).parent / "feeds"
SHARED_PRIZEPICKS = Path(__file__).resolve().parents[2].parent / "shared/data/prizepicks"

pytestmark = pytest.mark.django_db


def test_underdog_keeps_both_options_payouts_and_folds_team_abbreviations():
    report = run_import(FEEDS / "underdog-over-under-lines.json")

    assert dict(report.unsupported_leagues) == {"LOL": 1}
    jokic = PropMarket.objects.get(player_name="Nikola Jokic")
    assert (jokic.market_type, jokic.team, jokic.opponent) == (
        "points_rebounds_assists",
        "DEN",
        "GSW",
    )
    assert jokic.extra_metadata["options"] == {
        "higher": {"payout_multiplier": "1.0"},
        "lower": {"payout_multiplier": "1.0"},
    }
    mahomes = PropMarket.objects.get(player_name="Patrick Mahomes")
    assert (mahomes.line, mahomes.odds, mahomes.opponent) == (275.5, 1.82, "BUF")
    assert mahomes.extra_metadata["options"]["lower"]["american_price"] == "-108"
    assert mahomes.game_date == datetime(2024, 10, 6, 20, 25, tzinfo=UTC)
    assert (mahomes.season, mahomes.week) == (2024, 5)


def test_oddsapi_makes_one_market_per_player_stat_bookmaker_with_the_under_price_kept():
    run_import(FEEDS / "oddsapi-event-odds.json")

    draftkings = PropMarket.objects.get(platform="draftkings", player_name="Patrick Mahomes")
    assert (draftkings.market_type, draftkings.line) == ("passing_yards", 255.5)
    assert draftkings.odds == pytest.approx(1.8696)
    assert draftkings.extra_metadata["under_price"] == -105
    kelce = PropMarket.objects.get(player_name="Travis Kelce")
    assert (kelce.market_type, kelce.odds) == ("receptions", 2.2)
    fanduel_lines = PropMarket.objects.filter(platform="fanduel").order_by("line")
    assert list(fanduel_lines.values_list("line", flat=True)) == [254.5, 274.5, 299.5]
    assert PropMarket.objects.get(player_name="Jalen Brunson").league == "NBA"


def test_the_same_players_line_compares_across_platforms_by_canonical_market_type():
    run_import(FEEDS / "underdog-over-under-lines.json")
    run_import(FEEDS / "oddsapi-event-odds.json")

    lines = PropMarket.objects.filter(player_name="Patrick Mahomes", market_type="passing_yards")
    assert set(lines.values_list("platform", flat=True)) == {"underdog", "draftkings", "fanduel"}


@pytest.mark.skipif(not SHARED_PRIZEPICKS.is_dir(), reason="../shared/data is absent")
def test_prizepicks_keeps_the_projections_kind_and_maps_combo_stats():
    run_import(SHARED_PRIZEPICKS / "2024-03-19-nba.json")

    kinds = set(PropMarket.objects.values_list("extra_metadata__odds_type", flat=True))
    assert kinds == {"standard", "demon", "goblin"}
    combo = PropMarket.objects.filter(extra_metadata__combo=True).first()
    assert " + " in combo.player_name
    assert combo.extra_metadata["feed_stat"].endswith("(Combo)")
    assert "(Combo)" not in combo.market_type


@pytest.mark.skipif(not SHARED_PRIZEPICKS.is_dir(), reason="../shared/data is absent")
def test_prizepicks_markets_get_their_season_from_the_game_date():
    report = run_import(SHARED_PRIZEPICKS / "2024-01-23-multi-league.json")

    assert report.season_source == "game date"
    assert not PropMarket.objects.filter(season__isnull=True).exists()
    # January games: the NFL playoffs and the NBA/NHL seasons that started in 2023.
    assert set(PropMarket.objects.values_list("league", "season").distinct()) <= {
        ("NFL", 2023),
        ("NBA", 2023),
        ("NHL", 2023),
    }


SHARED_SPORTSBOOK = SHARED_PRIZEPICKS.parent / "sportsbook-csv/2024-nba-books-results.csv"


@pytest.mark.skipif(not SHARED_SPORTSBOOK.is_file(), reason="../shared/data is absent")
def test_the_sportsbook_csv_without_options_asks_for_all_of_them_in_one_line():
    with pytest.raises(ImportFailed) as failure:
        run_import(SHARED_SPORTSBOOK)

    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("Give --league and --week: the file does not say (")

"""The catalogue: one canonical market type per league for the feeds' spellings, and the week
rule for feeds without weeks."""

from datetime import UTC, date, datetime

import pytest

from props import catalogue
from props.importers.weeks import nfl_week, week_from_game_date


@pytest.mark.parametrize("spelling", ["Pass Yards", "passing_yds", "player_pass_yds", "PASS YARDS"])
def test_every_feeds_spelling_of_passing_yards_is_one_market_type(spelling):
    market = catalogue.market_type("NFL", spelling)

    assert (market.name, market.stat_category) == ("passing_yards", "passing")


@pytest.mark.parametrize("spelling", ["Pts+Rebs+Asts", "pts_rebs_asts", "Pts + Rebs + Asts"])
def test_combined_stats_fold_whatever_their_punctuation(spelling):
    assert catalogue.market_type("NBA", spelling).name == "points_rebounds_assists"


def test_the_same_words_mean_different_markets_in_different_leagues():
    assert catalogue.market_type("NBA", "Blocked Shots").name == "blocks"
    assert catalogue.market_type("NHL", "Blocked Shots").name == "blocked_shots"


def test_a_combo_stat_is_its_stats_market_type():
    assert catalogue.market_type("NBA", "Points (Combo)").name == "points"


def test_an_unknown_stat_is_not_catalogued():
    assert catalogue.market_type("NBA", "Dunks") is None


def test_league_codes_and_team_abbreviations_fold_to_one_spelling():
    assert catalogue.league_code("basketball_nba") == "NBA"
    assert catalogue.league_code("NBA1H") is None
    assert catalogue.team_code("NBA", "GS") == "GSW"
    assert catalogue.team_code("NFL", "JAC") == "JAX"
    assert catalogue.team_code("NFL", "KC") == "KC"


@pytest.mark.parametrize(
    ("day", "season_week"),
    [
        (date(2024, 9, 5), (2024, 1)),  # the season opener, Thursday after Labor Day
        (date(2024, 9, 9), (2024, 1)),  # Monday night of week 1
        (date(2024, 9, 10), (2024, 2)),  # Tuesday starts week 2
        (date(2024, 10, 6), (2024, 5)),
        (date(2024, 1, 28), (2023, 21)),  # conference championships of the 2023 season
        (date(2024, 8, 15), (2024, 0)),  # preseason
    ],
)
def test_nfl_week_counts_from_the_tuesday_after_labor_day(day, season_week):
    assert nfl_week(day) == season_week


def test_other_leagues_use_the_iso_week_of_the_eastern_date():
    # 01:30 UTC on Monday 18 March is still Sunday 17 March in New York: ISO week 11.
    assert week_from_game_date("NBA", datetime(2024, 3, 18, 1, 30, tzinfo=UTC)) == (2023, 11)

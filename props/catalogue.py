"""The catalogue of markets, leagues and teams that feeds name each their own way.

Each feed spells a stat its own way ("Pass Yards", "passing_yds", "player_pass_yds"). The
importers keep the feed's text (in extra_metadata) and store one canonical `market_type` per
league with its `stat_category`, so that one player's line can be compared across platforms.
A stat the catalogue does not know is kept as given and listed in the import report.
"""

import re
from dataclasses import dataclass

from .choices import League


@dataclass(frozen=True)
class MarketType:
    name: str
    stat_category: str


# league: {canonical market type: (stat_category, aliases as the feeds write them)}. Aliases are
# matched after `stat_key` folding (case, punctuation and spacing do not matter).
MARKETS = {
    League.NFL: {
        "passing_yards": ("passing", ["Pass Yards", "passing_yds", "player_pass_yds"]),
        "passing_tds": ("passing", ["Pass TDs", "passing_tds", "player_pass_tds"]),
        "passing_attempts": ("passing", ["Pass Attempts", "passing_att", "player_pass_attempts"]),
        "passing_completions": (
            "passing",
            ["Pass Completions", "passing_comps", "player_pass_completions"],
        ),
        "interceptions": ("passing", ["INT", "Interceptions", "player_pass_interceptions"]),
        "rushing_yards": ("rushing", ["Rush Yards", "rushing_yds", "player_rush_yds"]),
        "rushing_attempts": ("rushing", ["Rush Attempts", "rushing_att", "player_rush_attempts"]),
        "receiving_yards": (
            "receiving",
            ["Receiving Yards", "receiving_yds", "player_reception_yds"],
        ),
        "receptions": ("receiving", ["Receptions", "receiving_rec", "player_receptions"]),
        "pass_rush_yards": (
            "combined",
            ["Pass+Rush Yds", "passing_and_rushing_yds", "player_pass_rush_yds"],
        ),
        "rush_rec_yards": (
            "combined",
            [
                "Rush+Rec Yds",
                "rush_rec_yds",
                "rushing_and_receiving_yds",
                "player_rush_reception_yds",
            ],
        ),
        "rush_rec_tds": ("combined", ["Rush+Rec TDs", "rush_rec_tds", "player_rush_reception_tds"]),
        "anytime_td": ("scoring", ["Anytime TD", "player_anytime_td"]),
        "sacks": ("defense", ["Sacks", "sacks", "player_sacks"]),
        "tackles_assists": (
            "defense",
            ["Tackles+Ast", "tackles_and_assists", "player_tackles_assists"],
        ),
        "field_goals_made": ("kicking", ["FG Made", "field_goals_made", "player_field_goals"]),
        "kicking_points": (
            "kicking",
            ["Kicking Points", "kicking_points", "player_kicking_points"],
        ),
        "fantasy_score": ("fantasy", ["Fantasy Score", "fantasy_points"]),
    },
    League.NBA: {
        "points": ("scoring", ["Points", "pts", "player_points"]),
        "rebounds": ("rebounding", ["Rebounds", "rebs", "player_rebounds"]),
        "assists": ("playmaking", ["Assists", "asts", "player_assists"]),
        "threes_made": (
            "scoring",
            ["3-PT Made", "3-Pointers Made", "three_points_made", "player_threes"],
        ),
        "threes_attempted": ("scoring", ["3-PT Attempted", "three_points_att"]),
        "points_rebounds_assists": (
            "combined",
            ["Pts+Rebs+Asts", "pts_rebs_asts", "player_points_rebounds_assists"],
        ),
        "points_rebounds": ("combined", ["Pts+Rebs", "pts_rebs", "player_points_rebounds"]),
        "points_assists": ("combined", ["Pts+Asts", "pts_asts", "player_points_assists"]),
        "rebounds_assists": ("combined", ["Rebs+Asts", "rebs_asts", "player_rebounds_assists"]),
        "blocks_steals": ("defense", ["Blks+Stls", "blks_stls", "player_blocks_steals"]),
        "blocks": ("defense", ["Blocked Shots", "Blocks", "blks", "player_blocks"]),
        "steals": ("defense", ["Steals", "stls", "player_steals"]),
        "turnovers": ("playmaking", ["Turnovers", "turnovers", "player_turnovers"]),
        "free_throws_made": ("scoring", ["Free Throws Made", "free_throws_made"]),
        "field_goals_attempted": ("scoring", ["FG Attempted", "field_goals_att"]),
        "offensive_rebounds": ("rebounding", ["Offensive Rebounds", "offensive_rebounds"]),
        "defensive_rebounds": ("rebounding", ["Defensive Rebounds", "defensive_rebounds"]),
        "minutes_played": ("playing_time", ["Minutes Played", "minutes"]),
        "double_double": ("combined", ["Double Double", "double_doubles", "player_double_double"]),
        "fantasy_score": ("fantasy", ["Fantasy Score", "fantasy_points"]),
    },
    League.MLB: {
        "hits": ("batting", ["Hits", "hits", "batter_hits"]),
        "total_bases": ("batting", ["Total Bases", "total_bases", "batter_total_bases"]),
        "runs_batted_in": ("batting", ["RBIs", "RBI", "rbis", "batter_rbis"]),
        "runs": ("batting", ["Runs", "runs", "batter_runs_scored"]),
        "home_runs": ("batting", ["Home Runs", "home_runs", "batter_home_runs"]),
        "hits_runs_rbis": (
            "batting",
            ["Hits+Runs+RBIs", "hits_runs_rbis", "batter_hits_runs_rbis"],
        ),
        "stolen_bases": ("batting", ["Stolen Bases", "stolen_bases", "batter_stolen_bases"]),
        "strikeouts": ("pitching", ["Pitcher Strikeouts", "strikeouts", "pitcher_strikeouts"]),
        "earned_runs": ("pitching", ["Earned Runs Allowed", "earned_runs", "pitcher_earned_runs"]),
        "hits_allowed": ("pitching", ["Hits Allowed", "hits_allowed", "pitcher_hits_allowed"]),
        "pitching_outs": ("pitching", ["Pitching Outs", "pitch_outs", "pitcher_outs"]),
        "fantasy_score": ("fantasy", ["Fantasy Score", "fantasy_points"]),
    },
    League.NHL: {
        "shots_on_goal": ("shooting", ["Shots On Goal", "shots", "player_shots_on_goal"]),
        "points": ("scoring", ["Points", "points", "player_points"]),
        "goals": ("scoring", ["Goals", "goals", "player_goals"]),
        "assists": ("scoring", ["Assists", "assists", "player_assists"]),
        "saves": ("goaltending", ["Goalie Saves", "saves", "player_total_saves"]),
        "blocked_shots": ("defense", ["Blocked Shots", "blocked_shots", "player_blocked_shots"]),
        "hits": ("physical", ["Hits", "hits"]),
        "faceoffs_won": ("faceoffs", ["Faceoffs Won", "faceoffs_won"]),
        "time_on_ice": ("playing_time", ["Time On Ice", "time_on_ice"]),
        "power_play_points": ("scoring", ["Power Play Points", "player_power_play_points"]),
        "fantasy_score": ("fantasy", ["Fantasy Score", "fantasy_points"]),
    },
}

# How staff read each market type (the admin's list and messages); the code is shown on hover.
LABELS = {
    "passing_yards": "Passing yards",
    "passing_tds": "Passing TDs",
    "passing_attempts": "Passing attempts",
    "passing_completions": "Passing completions",
    "interceptions": "Interceptions",
    "rushing_yards": "Rushing yards",
    "rushing_attempts": "Rushing attempts",
    "receiving_yards": "Receiving yards",
    "receptions": "Receptions",
    "pass_rush_yards": "Pass + rush yards",
    "rush_rec_yards": "Rush + rec yards",
    "rush_rec_tds": "Rush + rec TDs",
    "anytime_td": "Anytime TD",
    "sacks": "Sacks",
    "tackles_assists": "Tackles + assists",
    "field_goals_made": "Field goals made",
    "kicking_points": "Kicking points",
    "fantasy_score": "Fantasy score",
    "points": "Points",
    "rebounds": "Rebounds",
    "assists": "Assists",
    "threes_made": "3-pointers made",
    "threes_attempted": "3-pointers attempted",
    "points_rebounds_assists": "Pts + reb + ast",
    "points_rebounds": "Points + rebounds",
    "points_assists": "Points + assists",
    "rebounds_assists": "Rebounds + assists",
    "blocks_steals": "Blocks + steals",
    "blocks": "Blocks",
    "steals": "Steals",
    "turnovers": "Turnovers",
    "free_throws_made": "Free throws made",
    "field_goals_attempted": "Field goals attempted",
    "offensive_rebounds": "Offensive rebounds",
    "defensive_rebounds": "Defensive rebounds",
    "minutes_played": "Minutes played",
    "double_double": "Double-double",
    "hits": "Hits",
    "total_bases": "Total bases",
    "runs_batted_in": "RBIs",
    "runs": "Runs",
    "home_runs": "Home runs",
    "hits_runs_rbis": "Hits + runs + RBIs",
    "stolen_bases": "Stolen bases",
    "strikeouts": "Strikeouts",
    "earned_runs": "Earned runs allowed",
    "hits_allowed": "Hits allowed",
    "pitching_outs": "Pitching outs",
    "shots_on_goal": "Shots on goal",
    "goals": "Goals",
    "saves": "Saves",
    "blocked_shots": "Blocked shots",
    "faceoffs_won": "Faceoffs won",
    "time_on_ice": "Time on ice",
    "power_play_points": "Power play points",
}

# How feeds name the leagues the product models; anything else is an unsupported league.
LEAGUE_ALIASES = {
    League.NFL: ["NFL", "americanfootball_nfl", "football_nfl"],
    League.NBA: ["NBA", "basketball_nba"],
    League.MLB: ["MLB", "baseball_mlb"],
    League.NHL: ["NHL", "icehockey_nhl", "hockey_nhl"],
}

# Abbreviations that differ between feeds, folded to one per league (the most common one).
TEAM_ALIASES = {
    League.NFL: {"JAC": "JAX", "WSH": "WAS", "LA": "LAR", "OAK": "LV", "ARZ": "ARI", "SD": "LAC"},
    League.NBA: {
        "GS": "GSW",
        "NY": "NYK",
        "SA": "SAS",
        "NO": "NOP",
        "PHO": "PHX",
        "UTAH": "UTA",
        "WSH": "WAS",
        "BRK": "BKN",
        "CHO": "CHA",
    },
    League.MLB: {
        "CHW": "CWS",
        "KCR": "KC",
        "SDP": "SD",
        "SFG": "SF",
        "TBR": "TB",
        "WSN": "WSH",
        "WAS": "WSH",
        "AZ": "ARI",
        "OAK": "ATH",
    },
    League.NHL: {
        "TBL": "TB",
        "NJD": "NJ",
        "SJS": "SJ",
        "LAK": "LA",
        "VGK": "VGS",
        "MON": "MTL",
        "WAS": "WSH",
        "CLB": "CBJ",
        "NAS": "NSH",
    },
}

# PrizePicks marks two-player markets with a suffix; the stat is the same market type.
COMBO_SUFFIX = re.compile(r"\s*\(combo\)\s*$", re.IGNORECASE)


def stat_key(text) -> str:
    """Fold a stat's spelling: "Pts+Rebs+Asts", "pts_rebs_asts" and "PTS + REBS + ASTS" agree."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def _market_index():
    index = {}
    for league, markets in MARKETS.items():
        for name, (category, aliases) in markets.items():
            market = MarketType(name, category)
            for alias in [name, *aliases]:
                index[(league, stat_key(alias))] = market
    return index


def _league_index():
    return {
        alias.lower(): league for league, aliases in LEAGUE_ALIASES.items() for alias in aliases
    }


_MARKETS_BY_ALIAS = _market_index()
_LEAGUES_BY_ALIAS = _league_index()


def league_code(text):
    """The League a feed's league name stands for, or None when the product does not model it."""
    return _LEAGUES_BY_ALIAS.get(str(text).strip().lower())


def market_type(league, stat):
    """The canonical MarketType of a feed's stat in a league, or None when it is not catalogued.

    A combo suffix ("Points (Combo)") maps to the stat's own market type.
    """
    return _MARKETS_BY_ALIAS.get((league, stat_key(COMBO_SUFFIX.sub("", stat))))


def market_label(code) -> str:
    """How staff read a market type: the catalogue's label ("Passing yards"), or for a type
    the catalogue does not know (kept as a feed gave it) its code with spaces."""
    label = LABELS.get(code)
    if label is None:
        text = str(code).replace("_", " ").strip()
        label = text[:1].upper() + text[1:]
    return label


def team_code(league, team) -> str:
    """One abbreviation per team: a feed's variant folded to the catalogue's; others as given."""
    code = str(team).strip()
    return TEAM_ALIASES.get(league, {}).get(code.upper(), code)

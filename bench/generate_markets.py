"""Write a realistic prop-market board CSV (the importer's CSV format) for the benchmarks.

4 leagues x 18 weeks x 4 platforms (PrizePicks, Underdog, DraftKings, FanDuel); 1,500 players per
league on real team abbreviations, each week's games paired from the league's teams, players
getting the markets of their position with lines around a per-market mean, sportsbooks with
decimal odds, pick'em apps without, ~8% of markets pulled (inactive). Each platform posts its own
overlapping subset of the week's slate, so a player's line can be shopped across platforms.
Deterministic for a given seed: every machine benchmarks the same rows.

Usage: python bench/generate_markets.py OUT.csv [--rows 1000000] [--seed 7]
(The columns are the importer's CSV format, props/importers/csv.py; sport follows the league.)
"""

import argparse
import csv
import datetime as dt
import json
import math
import random

SEASON = 2024
WEEKS = range(1, 19)
PLATFORMS = ["prizepicks", "underdog", "draftkings", "fanduel"]
SPORTSBOOKS = {"draftkings", "fanduel"}
PLAYERS_PER_LEAGUE = 1500
INACTIVE_SHARE = 0.08

TEAMS = {
    "NFL": "ARI ATL BAL BUF CAR CHI CIN CLE DAL DEN DET GB HOU IND JAX KC LV LAC LAR MIA MIN NE "
    "NO NYG NYJ PHI PIT SF SEA TB TEN WAS",
    "NBA": "ATL BOS BKN CHA CHI CLE DAL DEN DET GSW HOU IND LAC LAL MEM MIA MIL MIN NOP NYK OKC "
    "ORL PHI PHX POR SAC SAS TOR UTA WAS",
    "MLB": "ARI ATL BAL BOS CHC CWS CIN CLE COL DET HOU KC LAA LAD MIA MIL MIN NYM NYY ATH PHI "
    "PIT SD SF SEA STL TB TEX TOR WSH",
    "NHL": "ANA BOS BUF CGY CAR CHI COL CBJ DAL DET EDM FLA LA MIN MTL NSH NJ NYI NYR OTT PHI "
    "PIT SJ SEA STL TB TOR UTA VAN VGS WSH WPG",
}
SEASON_START = {
    "NFL": dt.datetime(2024, 9, 5, 17, 0, tzinfo=dt.UTC),
    "NBA": dt.datetime(2024, 10, 22, 23, 30, tzinfo=dt.UTC),
    "MLB": dt.datetime(2024, 3, 28, 17, 0, tzinfo=dt.UTC),
    "NHL": dt.datetime(2024, 10, 8, 23, 0, tzinfo=dt.UTC),
}

# market type: (stat_category, mean line, spread) — canonical names of props/catalogue.py.
MARKETS = {
    "NFL": {
        "passing_yards": ("passing", 245.5, 40),
        "passing_tds": ("passing", 1.5, 0.5),
        "passing_attempts": ("passing", 33.5, 4),
        "passing_completions": ("passing", 21.5, 3),
        "interceptions": ("passing", 0.5, 0.2),
        "rushing_yards": ("rushing", 48.5, 20),
        "rushing_attempts": ("rushing", 12.5, 4),
        "receiving_yards": ("receiving", 45.5, 18),
        "receptions": ("receiving", 4.5, 1.5),
        "rush_rec_yards": ("combined", 62.5, 20),
        "anytime_td": ("scoring", 0.5, 0.2),
        "tackles_assists": ("defense", 5.5, 2),
        "sacks": ("defense", 0.5, 0.25),
        "field_goals_made": ("kicking", 1.5, 0.5),
        "kicking_points": ("kicking", 7.5, 1.5),
        "fantasy_score": ("fantasy", 12.5, 5),
    },
    "NBA": {
        "points": ("scoring", 17.5, 6),
        "rebounds": ("rebounding", 6.5, 2.5),
        "assists": ("playmaking", 4.5, 2),
        "threes_made": ("scoring", 1.5, 1),
        "points_rebounds_assists": ("combined", 28.5, 8),
        "points_rebounds": ("combined", 23.5, 7),
        "points_assists": ("combined", 21.5, 7),
        "rebounds_assists": ("combined", 10.5, 3),
        "blocks_steals": ("defense", 1.5, 0.5),
        "turnovers": ("playmaking", 2.5, 0.8),
        "fantasy_score": ("fantasy", 32.5, 9),
    },
    "MLB": {
        "hits": ("batting", 0.5, 0.2),
        "total_bases": ("batting", 1.5, 0.4),
        "runs_batted_in": ("batting", 0.5, 0.2),
        "runs": ("batting", 0.5, 0.2),
        "home_runs": ("batting", 0.5, 0.1),
        "hits_runs_rbis": ("batting", 1.5, 0.5),
        "stolen_bases": ("batting", 0.5, 0.1),
        "strikeouts": ("pitching", 5.5, 1.5),
        "earned_runs": ("pitching", 2.5, 0.8),
        "hits_allowed": ("pitching", 5.5, 1.2),
        "pitching_outs": ("pitching", 17.5, 2.5),
        "fantasy_score": ("fantasy", 7.5, 2.5),
    },
    "NHL": {
        "shots_on_goal": ("shooting", 2.5, 0.8),
        "points": ("scoring", 0.5, 0.2),
        "goals": ("scoring", 0.5, 0.1),
        "assists": ("scoring", 0.5, 0.2),
        "saves": ("goaltending", 27.5, 3),
        "blocked_shots": ("defense", 1.5, 0.5),
        "hits": ("physical", 2.5, 0.8),
        "faceoffs_won": ("faceoffs", 8.5, 3),
        "time_on_ice": ("playing_time", 19.5, 3),
        "power_play_points": ("scoring", 0.5, 0.1),
        "fantasy_score": ("fantasy", 8.5, 3),
    },
}

# position: (share of the roster, market types offered for it)
# fmt: off
POSITIONS = {
    "NFL": {
        "QB": (0.08, [
            "passing_yards", "passing_tds", "passing_attempts", "passing_completions",
            "interceptions", "rushing_yards", "fantasy_score",
        ]),
        "RB": (0.14, [
            "rushing_yards", "rushing_attempts", "receptions", "rush_rec_yards",
            "anytime_td", "fantasy_score",
        ]),
        "WR": (0.24, [
            "receiving_yards", "receptions", "rush_rec_yards", "anytime_td", "fantasy_score",
        ]),
        "TE": (0.12, [
            "receiving_yards", "receptions", "anytime_td", "fantasy_score",
        ]),
        "LB": (0.22, [
            "tackles_assists", "sacks",
        ]),
        "DE": (0.14, [
            "sacks", "tackles_assists",
        ]),
        "K": (0.06, [
            "field_goals_made", "kicking_points",
        ]),
    },
    "NBA": {
        "G": (0.4, [
            "points", "assists", "threes_made", "points_assists", "points_rebounds_assists",
            "turnovers", "fantasy_score",
        ]),
        "F": (0.4, [
            "points", "rebounds", "points_rebounds", "points_rebounds_assists",
            "rebounds_assists", "blocks_steals", "fantasy_score",
        ]),
        "C": (0.2, [
            "points", "rebounds", "points_rebounds", "blocks_steals", "rebounds_assists",
            "fantasy_score",
        ]),
    },
    "MLB": {
        "SP": (0.2, [
            "strikeouts", "earned_runs", "hits_allowed", "pitching_outs", "fantasy_score",
        ]),
        "1B": (0.16, [
            "hits", "total_bases", "runs_batted_in", "home_runs", "hits_runs_rbis",
        ]),
        "SS": (0.16, [
            "hits", "total_bases", "runs", "stolen_bases", "hits_runs_rbis",
        ]),
        "OF": (0.32, [
            "hits", "total_bases", "runs", "runs_batted_in", "home_runs", "stolen_bases",
            "hits_runs_rbis", "fantasy_score",
        ]),
        "C": (0.16, [
            "hits", "total_bases", "runs_batted_in", "fantasy_score",
        ]),
    },
    "NHL": {
        "C": (0.3, [
            "shots_on_goal", "points", "goals", "assists", "faceoffs_won",
            "power_play_points", "fantasy_score",
        ]),
        "W": (0.4, [
            "shots_on_goal", "points", "goals", "assists", "hits", "time_on_ice",
            "fantasy_score",
        ]),
        "D": (0.22, [
            "shots_on_goal", "blocked_shots", "hits", "time_on_ice", "points",
        ]),
        "G": (0.08, [
            "saves", "fantasy_score",
        ]),
    },
}
# fmt: on

# fmt: off
FIRST_NAMES = [
    "Aaron", "Adrian", "Alex", "Andre", "Anthony", "Austin", "Bo", "Brandon", "Brian", "Bryce",
    "Caleb", "Cam", "Carlos", "Chris", "Cole", "Colin", "Connor", "Cooper", "Corey", "Dak",
    "Damian", "Daniel", "Darius", "David", "De'Aaron", "Derek", "Devin", "Dillon", "Drew",
    "Dylan", "Eli", "Elijah", "Eric", "Evan", "Gabe", "Garrett", "George", "Grant", "Hunter",
    "Isaiah", "Jack", "Jake", "Jalen", "Jamal", "James", "Jared", "Jason", "Javier", "Jaylen",
    "Jordan", "Jose", "Josh", "Juan", "Julio", "Justin", "Kevin", "Kyle", "Lamar", "Logan",
    "Luka", "Luis", "Malik", "Marcus", "Mark", "Matt", "Max", "Michael", "Miles", "Mookie",
    "Nate", "Nick", "Nikita", "Noah", "Oscar", "Pat", "Paul", "Quinn", "Ryan", "Sam", "Scott",
    "Shohei", "Stephen", "Taylor", "Terry", "Tom", "Travis", "Trey", "Tyler", "Victor", "Will",
    "Zach",
]
LAST_NAMES = [
    "Adams", "Allen", "Alvarez", "Anderson", "Bailey", "Baker", "Barnes", "Bell", "Bennett",
    "Brooks", "Brown", "Bryant", "Butler", "Campbell", "Carter", "Castillo", "Clark",
    "Coleman", "Collins", "Cook", "Cooper", "Cruz", "Davis", "Diaz", "Edwards", "Evans",
    "Fisher", "Flores", "Ford", "Foster", "Garcia", "Gibson", "Gomez", "Gonzalez", "Graham",
    "Gray", "Green", "Griffin", "Hall", "Harris", "Hayes", "Henderson", "Hill", "Howard",
    "Hughes", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kelly", "Kim", "King", "Lee",
    "Lewis", "Long", "Lopez", "Martin", "Martinez", "Mitchell", "Moore", "Morgan", "Morris",
    "Murphy", "Myers", "Nelson", "Nguyen", "Ortiz", "Parker", "Perez", "Perry", "Peterson",
    "Phillips", "Powell", "Price", "Ramirez", "Reed", "Reyes", "Richardson", "Rivera",
    "Roberts", "Robinson", "Rodriguez", "Rogers", "Ross", "Russell", "Sanchez", "Sanders",
    "Scott", "Smith", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Torres",
    "Turner", "Walker", "Ward", "Washington", "Watson", "White", "Williams", "Wilson", "Wood",
    "Wright", "Young",
]
# fmt: on

COLUMNS = [
    "platform", "external_id", "league", "season", "week", "player_id", "player_name",
    "position", "team", "opponent", "market_type", "stat_category", "line", "odds", "game_id",
    "game_date", "is_active", "extra_metadata",
]  # fmt: skip


def make_players(rng, league):
    teams = TEAMS[league].split()
    positions = POSITIONS[league]
    names, weights = list(positions), [share for share, _ in positions.values()]
    players = []
    for number in range(PLAYERS_PER_LEAGUE):
        position = rng.choices(names, weights)[0]
        players.append(
            {
                "player_id": f"{league.lower()}-{number:05d}",
                "player_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "position": position,
                "team": teams[number % len(teams)],
                "markets": positions[position][1],
            }
        )
    return players


def make_games(rng, league, week):
    teams = TEAMS[league].split()
    rng.shuffle(teams)
    kickoff = SEASON_START[league] + dt.timedelta(weeks=week - 1)
    games = {}
    for index in range(0, len(teams) - 1, 2):
        home, away = teams[index], teams[index + 1]
        game = (f"{league.lower()}-{SEASON}-w{week:02d}-{away}-{home}", kickoff)
        games[home] = (away, *game)
        games[away] = (home, *game)
    return games


def rows(total, seed):
    rng = random.Random(seed)
    buckets = len(MARKETS) * len(WEEKS) * len(PLATFORMS)
    per_bucket, remainder = divmod(total, buckets)
    bucket = 0
    for league in MARKETS:
        players = make_players(rng, league)
        for week in WEEKS:
            games = make_games(rng, league, week)
            slate = [
                (player, market)
                for player in players
                if player["team"] in games and rng.random() < 0.7
                for market in player["markets"]
            ]
            base_lines = {}
            for platform in PLATFORMS:
                count = per_bucket + (1 if bucket < remainder else 0)
                bucket += 1
                if count > len(slate):
                    raise SystemExit(f"{league} week {week}: slate too small for {count} rows")
                for player, market in rng.sample(slate, count):
                    category, mean, spread = MARKETS[league][market]
                    key = (player["player_id"], market)
                    if key not in base_lines:
                        base_lines[key] = max(0.5, math.floor(rng.gauss(mean, spread)) + 0.5)
                    line = base_lines[key] + rng.choice((-1, 0, 0, 0, 1))
                    opponent, game_id, kickoff = games[player["team"]]
                    is_book = platform in SPORTSBOOKS
                    yield [
                        platform,
                        f"{platform}-{league.lower()}-{week:02d}-{player['player_id']}-{market}",
                        league,
                        SEASON,
                        week,
                        player["player_id"],
                        player["player_name"],
                        player["position"],
                        player["team"],
                        opponent,
                        market,
                        category,
                        max(0.5, line),
                        round(rng.uniform(1.8, 2.05), 4) if is_book else "",
                        game_id,
                        kickoff.isoformat(),
                        "false" if rng.random() < INACTIVE_SHARE else "true",
                        "{}" if is_book else json.dumps({"odds_type": "standard"}),
                    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows(args.rows, args.seed))


if __name__ == "__main__":
    main()

"""Every real feed sample imports as it is, with counts and values read from the file itself.

Samples are found by walking `<repo>/../shared/data/` (CI copies it there): the subfolder's name
is the format (`prizepicks/`, `sportsbook-csv/` …), so a new sample is tested without code
changes. Hand-made fixtures of the feeds without a real sample yet (Underdog, The Odds API raw
JSON) live in `tests/props/feeds/`, named `<format>-….json`.
"""

import csv
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from props.choices import League
from props.importers import FORMATS, run_import
from props.models import PropMarket
from props.odds import american_to_decimal

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
FEEDS = Path(__file__).parent / "feeds"
MODELLED = {league.lower() for league in League.values}
MODELLED_ODDS_API = {"americanfootball_nfl", "basketball_nba", "baseball_mlb", "icehockey_nhl"}


def _shared_samples():
    if not SHARED_DATA.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{SHARED_DATA} is absent"))]
    return [
        pytest.param(folder.name, path, id=f"{folder.name}/{path.name}")
        for folder in sorted(p for p in SHARED_DATA.iterdir() if p.is_dir())
        for path in sorted(folder.iterdir())
        if path.is_file()
    ]


def _fixture_samples():
    return [
        pytest.param(path.name.split("-", 1)[0], path, id=f"feeds/{path.name}")
        for path in sorted(FEEDS.iterdir())
    ]


def _options(path):
    """Command-line values for feeds that lack them: the league named in the file name
    (e.g. 2024-nba-books-results.csv), the season its leading year, week 1."""
    tokens = re.split(r"[^a-z0-9]+", path.stem.lower())
    league = next((token.upper() for token in tokens if token in MODELLED), None)
    season = int(tokens[0]) if tokens and re.fullmatch(r"(19|20)\d\d", tokens[0]) else None
    return {"league": league, "week": 1, "season": season}


def _parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _expected_prizepicks(path):
    document = json.loads(path.read_text())
    included = {(i["type"], i["id"]): i["attributes"] for i in document["included"]}
    expected, skipped = [], Counter()
    for projection in document["data"]:
        relations = projection["relationships"]
        league = included[("league", relations["league"]["data"]["id"])]["name"]
        if league.lower() not in MODELLED:
            skipped[league] += 1
            continue
        player = included[("new_player", relations["new_player"]["data"]["id"])]
        attributes = projection["attributes"]
        expected.append(
            {
                "external_id": projection["id"],
                "platform": "prizepicks",
                "player_name": player["display_name"],
                "stat": attributes["stat_type"],
                "line": float(attributes["line_score"]),
                "odds": None,
                "game_date": _parse_time(attributes["start_time"]),
            }
        )
    return expected, skipped


def _expected_sportsbook_csv(path):
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = {}
    for row in rows:
        key = (row["Bookmaker"], row["Player"], row["Stat Type"], float(row["Line"]))
        market = lines.setdefault(
            key,
            {
                "platform": row["Bookmaker"],
                "player_name": row["Player"],
                "stat": row["Stat Type"],
                "line": float(row["Line"]),
                "odds": None,
                "game_date": None,
            },
        )
        if row["Over/Under"] == "Over":
            market["odds"] = american_to_decimal(int(row["Odds"]))
    return list(lines.values()), Counter()


def _expected_underdog(path):
    document = json.loads(path.read_text())
    appearances = {a["id"]: a for a in document["appearances"]}
    players = {p["id"]: p for p in document["players"]}
    games = {g["id"]: g for g in document["games"]}
    expected, skipped = [], Counter()
    for line in document["over_under_lines"]:
        stat = line["over_under"]["appearance_stat"]
        appearance = appearances[stat["appearance_id"]]
        player = players[appearance["player_id"]]
        if player["sport_id"].lower() not in MODELLED:
            skipped[player["sport_id"]] += 1
            continue
        higher = next(o for o in line["options"] if o["choice"] == "higher")
        expected.append(
            {
                "external_id": line["id"],
                "platform": "underdog",
                "player_name": f"{player['first_name']} {player['last_name']}".strip(),
                "stat": stat["stat"],
                "line": float(line["stat_value"]),
                "odds": float(higher["decimal_price"]) if "decimal_price" in higher else None,
                "game_date": _parse_time(games[appearance["match_id"]]["scheduled_at"]),
            }
        )
    return expected, skipped


def _expected_oddsapi(path):
    document = json.loads(path.read_text())
    events = document if isinstance(document, list) else [document]
    expected, skipped = {}, Counter()
    for event in events:
        for bookmaker in event["bookmakers"]:
            for market in bookmaker["markets"]:
                for outcome in market["outcomes"]:
                    if event["sport_key"] not in MODELLED_ODDS_API:
                        skipped[event["sport_key"]] += 1
                        continue
                    alternate = market["key"].endswith("_alternate")
                    key = (
                        bookmaker["key"],
                        market["key"],
                        outcome["description"],
                        outcome["point"] if alternate else None,
                    )
                    found = expected.setdefault(
                        key,
                        {
                            "platform": bookmaker["key"],
                            "player_name": outcome["description"],
                            "stat": market["key"].removesuffix("_alternate"),
                            "line": float(outcome["point"]),
                            "odds": None,
                            "game_date": _parse_time(event["commence_time"]),
                        },
                    )
                    if outcome["name"] == "Over":
                        found["odds"] = american_to_decimal(outcome["price"])
    return list(expected.values()), skipped


EXPECTED = {
    "prizepicks": _expected_prizepicks,
    "sportsbook-csv": _expected_sportsbook_csv,
    "underdog": _expected_underdog,
    "oddsapi": _expected_oddsapi,
}


def _stored(market):
    return {
        "platform": market.platform,
        "player_name": market.player_name,
        "stat": market.extra_metadata.get("feed_stat", market.market_type),
        "line": market.line,
        "odds": market.odds,
        "game_date": market.game_date,
    }


def _check_sample(format_name, path):
    assert format_name in FORMATS, f"no importer for the folder {format_name!r}"
    expected, skipped = EXPECTED[format_name](path)

    report = run_import(path, **_options(path))

    assert report.format == format_name
    assert report.format_guessed
    assert report.rejected == []
    assert report.created == len(expected) == PropMarket.objects.count()
    assert dict(report.unsupported_leagues) == dict(skipped)
    for market in [expected[0], expected[len(expected) // 2], expected[-1]]:
        lookup = {"platform": market["platform"], "player_name": market["player_name"]}
        if "external_id" in market:
            lookup["external_id"] = market["external_id"]
        candidates = [_stored(m) for m in PropMarket.objects.filter(**lookup)]
        wanted = {key: market[key] for key in _stored(PropMarket()) if key in market}
        if wanted["game_date"] is None:
            wanted.pop("game_date")
            candidates = [{k: v for k, v in c.items() if k != "game_date"} for c in candidates]
        assert wanted in candidates


@pytest.mark.django_db
@pytest.mark.parametrize(("format_name", "path"), _shared_samples())
def test_shared_sample_imports_with_the_files_counts_and_values(format_name, path):
    _check_sample(format_name, path)


@pytest.mark.django_db
@pytest.mark.parametrize(("format_name", "path"), _fixture_samples())
def test_feed_fixture_imports_with_the_files_counts_and_values(format_name, path):
    _check_sample(format_name, path)


@pytest.mark.django_db
@pytest.mark.parametrize(("format_name", "path"), _shared_samples() + _fixture_samples())
def test_reimporting_a_sample_changes_nothing(format_name, path):
    first = run_import(path, **_options(path))
    history = PropMarket.history.count()

    again = run_import(path, **_options(path))

    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert PropMarket.history.count() == history

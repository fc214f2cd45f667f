"""Turn a feed's record into one validated prop-market row, or say which field is wrong and why.

Every parser yields plain records (dicts with the keys below); this module applies the rules
they share: the catalogue (league, market type, team), the odds rule, the week rule and the
model's bounds, so the database's CHECK constraints never see a bad row.

Record keys: external_id, platform, league, season, week, player_id, player_name, position,
team, opponent, stat (the feed's text), stat_category, line, odds (decimal, or American at
-100 and below), american_odds, game_id, game_date, is_active, extra_metadata, and snapshot (the
slug of the row's board, empty for the live board; our own format's column).
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.db.models import CharField

from betterbros.json_validation import validate_clean_json

from .. import catalogue
from ..choices import SPORT_OF_LEAGUE, League, Platform
from ..models import MAX_LINE, MAX_WEEK, PropMarket, Snapshot
from ..odds import InvalidOdds, decimal_odds
from .weeks import season_from_game_date, week_from_game_date

# The staged columns, in COPY order; `location` says where the row came from in the file.
COLUMNS = (
    "platform",
    "external_id",
    "sport",
    "league",
    "season",
    "week",
    "player_id",
    "player_name",
    "position",
    "team",
    "opponent",
    "market_type",
    "stat_category",
    "line",
    "odds",
    "game_id",
    "game_date",
    "is_active",
    "extra_metadata",
)
# `snapshot_id`: the board the file names for the row (None = live, or a --snapshot override).
STAGED_COLUMNS = ("location", *COLUMNS, "snapshot_id")

# Free text is limited by its column; choice columns (platform, league) are checked by value.
MAX_LENGTHS = {
    field.name: field.max_length
    for field in PropMarket._meta.concrete_fields
    if field.name in COLUMNS and isinstance(field, CharField) and not field.choices
}
TRUE_TEXT = {"true", "t", "1", "yes", "y"}
FALSE_TEXT = {"false", "f", "0", "no", "n"}
PLATFORMS = frozenset(Platform.values)


class InvalidRow(ValueError):
    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class MissingOptions(InvalidRow):
    """The row lacks what only an option can supply (platform, league, week): a whole-file
    problem, reported once with every missing option rather than once per row."""

    def __init__(self, options):
        self.options = options
        names = " and ".join(f"--{name}" for name in options)
        super().__init__(options[0], f"required; the feed names none, give {names}.")


class SkippedLeague(Exception):
    """A record of a league left out: not modelled by the product, or filtered by --league."""

    def __init__(self, league, unsupported):
        self.league = league
        self.unsupported = unsupported


@dataclass(frozen=True)
class Defaults:
    """What the command line supplies for feeds that lack it; `league` also filters, and
    `snapshot` (the target board's slug) overrides the boards the file names."""

    platform: str | None = None
    league: str | None = None
    week: int | None = None
    season: int | None = None
    snapshot: str | None = None


class Normaliser:
    """Validates records into staged rows, counting week sources and unknown stats on `report`.

    Feeds repeat the same stats, teams, leagues and kick-off times on thousands of rows, so
    their lookups are memoised per import (this is the hot loop of a million-row import).
    """

    MEMO_LIMIT = 100_000

    def __init__(self, defaults: Defaults, report):
        self.defaults = defaults
        self.report = report
        self._leagues: dict[Any, Any] = {}
        self._markets: dict[Any, Any] = {}
        self._teams: dict[Any, Any] = {}
        self._dates: dict[Any, Any] = {}
        # Slug -> pk of every snapshot, read before the rows: no query can run while they are
        # COPYed. Only needed when the file's boards count (no --snapshot override).
        self._boards = (
            {} if defaults.snapshot else dict(Snapshot.objects.values_list("snapshot_id", "pk"))
        )

    def row(self, location, record) -> tuple:
        """The staged row (STAGED_COLUMNS) of a record; raises InvalidRow or SkippedLeague."""
        get = record.get
        missing = self._missing_options(get)
        if missing:
            raise MissingOptions(missing)
        league = self._league(get("league"))
        platform = get("platform") or self.defaults.platform
        if platform not in PLATFORMS:
            raise InvalidRow("platform", f"{platform!r} is not a known platform.")
        player_name = _text(get("player_name"), "player_name", required=True)
        stat = _text(get("stat"), "market_type", required=True, limited=False)
        market_type, stat_category = self._market(league, stat)
        stat_category = _text(get("stat_category"), "stat_category") or stat_category
        line = _number(get("line"), "line", 0, MAX_LINE)
        odds = _odds(record)
        game_date = self._datetime(get("game_date"))
        season = self._season(record, league, game_date)
        week = self._week(get("week"), league, game_date)
        game_id = _text(get("game_id"), "game_id")
        external_id = _text(get("external_id"), "external_id") or self._natural_key(
            record, league, season, week, player_name, market_type, game_id, line
        )
        metadata = get("extra_metadata") or {}
        if metadata.__class__ is not dict:
            raise InvalidRow("extra_metadata", "must be a JSON object.")
        if stat != market_type:
            metadata = {**metadata, "feed_stat": stat}
        if metadata:
            try:
                validate_clean_json(metadata, "extra_metadata")
            except ValidationError as exc:
                raise InvalidRow("extra_metadata", " ".join(exc.messages)) from None
        return (
            location,
            platform,
            external_id,
            SPORT_OF_LEAGUE[league],
            league,
            season,
            week,
            _text(get("player_id"), "player_id"),
            player_name,
            _text(get("position"), "position"),
            self._team(league, _text(get("team"), "team")),
            self._team(league, _text(get("opponent"), "opponent")),
            market_type,
            stat_category,
            line,
            odds,
            game_id,
            game_date,
            _boolean(get("is_active", True)),
            orjson.dumps(metadata).decode() if metadata else "{}",
            self._board(get("snapshot")),
        )

    def _missing_options(self, get):
        """The options this record needs and the command line does not give."""
        defaults = self.defaults
        missing = []
        if _blank(get("platform")) and not defaults.platform:
            missing.append("platform")
        if _blank(get("league")) and not defaults.league:
            missing.append("league")
        if _blank(get("week")) and defaults.week is None and _blank(get("game_date")):
            missing.append("week")
        return missing

    def _board(self, slug):
        """The pk of the snapshot the file names for the row (None: live, or overridden)."""
        if self.defaults.snapshot or _blank(slug):
            self.report.boards[self.defaults.snapshot or ""] += 1
            return None
        slug = str(slug).strip()
        pk = self._boards.get(slug)
        if pk is None:
            raise InvalidRow("snapshot", f"no snapshot {slug!r} (empty means the live board).")
        self.report.boards[slug] += 1
        return pk

    @staticmethod
    def _natural_key(record, league, season, week, player_name, market_type, game_id, line):
        """The key of a feed without ids: platform (the index's other column) + player +
        market type + game, the game standing in for its league/season/week when unnamed, and
        the line for feeds that list alternate lines."""
        parts = [league, str(season or ""), str(week), player_name, market_type, game_id]
        if record.get("key_includes_line"):
            parts.append(f"{line:g}")
        return _limited("external_id", "|".join(parts))

    def _league(self, text):
        text = text or self.defaults.league
        if not text:
            raise InvalidRow("league", "required; the feed names none, give --league.")
        league = self._leagues.get(text)
        if league is None:
            league = self._leagues[text] = catalogue.league_code(text) or ""
        if not league:
            raise SkippedLeague(str(text), unsupported=True)
        if self.defaults.league and league != self.defaults.league:
            raise SkippedLeague(league, unsupported=False)
        return league

    def _market(self, league, stat):
        found = self._markets.get((league, stat))
        if found is None:
            market = catalogue.market_type(league, stat)
            if market is None:
                found = (_limited("market_type", stat), "", False)
            else:
                found = (market.name, market.stat_category, True)
            self._remember(self._markets, (league, stat), found)
        if not found[2]:
            self.report.unknown_stats[f"{league} {stat}"] += 1
        return found[0], found[1]

    def _team(self, league, team):
        found = self._teams.get((league, team))
        if found is None:
            found = self._remember(self._teams, (league, team), catalogue.team_code(league, team))
        return found

    def _datetime(self, value):
        if value.__class__ is not str:
            return _datetime(value)
        found = self._dates.get(value)
        if found is None:
            found = self._remember(self._dates, value, _datetime(value))
        return found

    def _remember(self, memo, key, value):
        if len(memo) >= self.MEMO_LIMIT:
            memo.clear()
        memo[key] = value
        return value

    def _season(self, record, league, game_date):
        """The file's season, else --season, else the game date's by the league's season rule
        (`weeks`), else none. In our own format an empty season beside a week is a market
        exported without a season, and stays so (an export imports back unchanged)."""
        sources = self.report.season_sources
        season = record.get("season")
        if not _blank(season):
            sources.add("file")
            return int(_number(season, "season", 1900, 2100, integer=True))
        if self.defaults.season is not None:
            sources.add("command line")
            return self.defaults.season
        if game_date is None or ("season" in record and not _blank(record.get("week"))):
            sources.add("none")
            return None
        sources.add("game date")
        return season_from_game_date(league, game_date)

    def _week(self, week, league, game_date):
        if not _blank(week):
            self.report.week_sources.add("file")
            return int(_number(week, "week", 0, MAX_WEEK, integer=True))
        if self.defaults.week is not None:
            self.report.week_sources.add("command line")
            return self.defaults.week
        if game_date is None:
            raise InvalidRow(
                "week", "required; the row has neither week nor game date, give --week."
            )
        self.report.week_sources.add("game date")
        return week_from_game_date(league, game_date)[1]


def _blank(value):
    return value is None or (value.__class__ is str and not value.strip())


def _text(value, field, *, required=False, limited=True):
    if value is None:
        text = ""
    elif value.__class__ is str:
        text = value.strip()
    else:
        text = str(value).strip()
    if not text:
        if required:
            raise InvalidRow(field, "required, non-empty text.")
        return text
    if "\x00" in text:
        raise InvalidRow(field, "may not contain NUL characters.")
    return _limited(field, text) if limited else text


def _limited(field, text):
    limit = MAX_LENGTHS.get(field)
    if limit and len(text) > limit:
        raise InvalidRow(field, f"at most {limit} characters (got {len(text)}).")
    return text


def _number(value, field, minimum, maximum, integer=False):
    if isinstance(value, bool) or value is None or value == "":
        raise InvalidRow(field, "required, a number.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidRow(field, f"{value!r} is not a number.") from None
    if not math.isfinite(number) or not minimum <= number <= maximum:
        raise InvalidRow(field, f"{value!r} is not between {minimum} and {maximum}.")
    if integer and not number.is_integer():
        raise InvalidRow(field, f"{value!r} is not a whole number.")
    return number


def _odds(record):
    try:
        return decimal_odds(odds=record.get("odds"), american_odds=record.get("american_odds"))
    except InvalidOdds as exc:
        raise InvalidRow(exc.field, str(exc)) from None


def _datetime(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidRow("game_date", f"{value!r} is not an ISO 8601 date and time.") from None
    if not isinstance(value, datetime):
        raise InvalidRow("game_date", f"{value!r} is not a date and time.")
    if not 1900 <= value.year <= 2100:
        raise InvalidRow("game_date", f"{value.isoformat()} is out of range.")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _boolean(value):
    if value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    text = str(value).strip().lower()
    if text in TRUE_TEXT:
        return True
    if text in FALSE_TEXT:
        return False
    raise InvalidRow("is_active", f"{value!r} is not true or false.")


def league_option(text):
    """The League named on the command line, or a clear error."""
    league = catalogue.league_code(text)
    if league is None:
        raise ValueError(f"--league {text!r}: the product models {', '.join(League.values)}.")
    return league

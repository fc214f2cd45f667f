"""The week and season of a game from its date, for feeds that carry neither.

The rule, documented in docs/imports.md: the game's calendar date is taken in US Eastern time (the
leagues' own calendar, so a 8:30 pm ET kick-off stored as 01:30 UTC the next day keeps its
date). NFL: the season's week, counted from the Tuesday after Labor Day (week 1 runs Tuesday to
Monday, so Thursday-to-Monday games share a week); January and February games belong to the
previous season and keep counting (playoffs are weeks 19-22); games in the summer before the
season opens are week 0 (preseason). Other leagues: the ISO week number of the date.

Seasons are named by the year they start in: NFL as above (September to February); NBA and NHL
from July (their seasons run October to June, so a January game is of the previous year's
season); MLB by the calendar year.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..choices import League

LEAGUE_TIME_ZONE = ZoneInfo("America/New_York")
# NBA/NHL games before this month belong to the season that started the previous year.
SPLIT_SEASON_START_MONTH = 7


def _labor_day(year: int) -> date:
    first = date(year, 9, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def nfl_week(game_day: date) -> tuple[int, int]:
    """(season, week) of an NFL game played on `game_day`."""
    season = game_day.year
    start = _labor_day(season) + timedelta(days=1)
    if game_day < start:
        if game_day.month >= 6:
            return season, 0
        season -= 1
        start = _labor_day(season) + timedelta(days=1)
    return season, (game_day - start).days // 7 + 1


def week_from_game_date(league: str, game_date: datetime) -> tuple[int, int]:
    """(season, week) of a game: the NFL season week, else the ISO week."""
    game_day = game_date.astimezone(LEAGUE_TIME_ZONE).date()
    if league == League.NFL:
        return nfl_week(game_day)
    return season_of(league, game_day), game_day.isocalendar().week


def season_from_game_date(league: str, game_date: datetime) -> int:
    """The season of a game by its league's season rule (above)."""
    return season_of(league, game_date.astimezone(LEAGUE_TIME_ZONE).date())


def season_of(league: str, game_day: date) -> int:
    if league == League.NFL:
        return nfl_week(game_day)[0]
    if league in (League.NBA, League.NHL) and game_day.month < SPLIT_SEASON_START_MONTH:
        return game_day.year - 1
    return game_day.year

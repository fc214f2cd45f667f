"""The week (and NFL season) of a game from its date, for feeds that carry no week.

The rule, documented in the README: the game's calendar date is taken in US Eastern time (the
leagues' own calendar, so a 8:30 pm ET kick-off stored as 01:30 UTC the next day keeps its
date). NFL: the season's week, counted from the Tuesday after Labor Day (week 1 runs Tuesday to
Monday, so Thursday-to-Monday games share a week); January and February games belong to the
previous season and keep counting (playoffs are weeks 19-22); games in the summer before the
season opens are week 0 (preseason). Other leagues: the ISO week number of the date.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..choices import League

LEAGUE_TIME_ZONE = ZoneInfo("America/New_York")


def _labor_day(year) -> date:
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


def week_from_game_date(league, game_date: datetime) -> tuple[int | None, int]:
    """(season or None, week) of a game: the NFL season week, else the ISO week."""
    game_day = game_date.astimezone(LEAGUE_TIME_ZONE).date()
    if league == League.NFL:
        return nfl_week(game_day)
    return None, game_day.isocalendar().week

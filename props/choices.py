"""Enumerations of the props app; CHECK constraints are generated from these."""

from django.db import models


class League(models.TextChoices):
    NFL = "NFL", "NFL"
    NBA = "NBA", "NBA"
    MLB = "MLB", "MLB"
    NHL = "NHL", "NHL"


class Sport(models.TextChoices):
    FOOTBALL = "football", "Football"
    BASKETBALL = "basketball", "Basketball"
    BASEBALL = "baseball", "Baseball"
    HOCKEY = "hockey", "Hockey"


SPORT_OF_LEAGUE = {
    League.NFL: Sport.FOOTBALL,
    League.NBA: Sport.BASKETBALL,
    League.MLB: Sport.BASEBALL,
    League.NHL: Sport.HOCKEY,
}


class Platform(models.TextChoices):
    """Where a line is posted: pick'em apps and sportsbooks (The Odds API's bookmaker keys)."""

    PRIZEPICKS = "prizepicks", "PrizePicks"
    UNDERDOG = "underdog", "Underdog Fantasy"
    SLEEPER = "sleeper", "Sleeper"
    PICK6 = "pick6", "DraftKings Pick6"
    BETR = "betr_us_dfs", "Betr Picks"
    DRAFTKINGS = "draftkings", "DraftKings"
    FANDUEL = "fanduel", "FanDuel"
    BETMGM = "betmgm", "BetMGM"
    CAESARS = "williamhill_us", "Caesars"
    BETRIVERS = "betrivers", "BetRivers"
    UNIBET = "unibet_us", "Unibet"
    POINTSBET = "pointsbetus", "PointsBet"
    ESPNBET = "espnbet", "ESPN BET"
    FANATICS = "fanatics", "Fanatics"
    HARDROCK = "hardrockbet", "Hard Rock Bet"
    BALLYBET = "ballybet", "Bally Bet"
    BETPARX = "betparx", "betPARX"
    FLIFF = "fliff", "Fliff"
    BOVADA = "bovada", "Bovada"
    BETONLINE = "betonlineag", "BetOnline.ag"
    MYBOOKIE = "mybookieag", "MyBookie.ag"
    BETUS = "betus", "BetUS"
    LOWVIG = "lowvig", "LowVig.ag"
    SUPERBOOK = "superbook", "SuperBook"
    WYNNBET = "wynnbet", "WynnBET"
    WINDCREEK = "windcreek", "Wind Creek"


class RiskMode(models.TextChoices):
    CONSERVATIVE = "conservative", "Conservative"
    BALANCED = "balanced", "Balanced"
    AGGRESSIVE = "aggressive", "Aggressive"


class ExperimentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


# draft -> running -> completed | failed; nothing leaves a finished state.
EXPERIMENT_TRANSITIONS = {
    ExperimentStatus.DRAFT: {ExperimentStatus.RUNNING},
    ExperimentStatus.RUNNING: {ExperimentStatus.COMPLETED, ExperimentStatus.FAILED},
    ExperimentStatus.COMPLETED: set(),
    ExperimentStatus.FAILED: set(),
}


class Direction(models.TextChoices):
    OVER = "over", "Over"
    UNDER = "under", "Under"

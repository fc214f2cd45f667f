"""Snapshots, prop markets, experiments and saved slips: the seed's tables, with their rules.

The database enforces what it can (CHECK, UNIQUE, FK; the lock trigger lives in migration
0002); the model validators give the same rules a clear message for forms and the API.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import catalogue
from .choices import (
    SPORT_OF_LEAGUE,
    ExperimentStatus,
    League,
    Platform,
    RiskMode,
    Sport,
)
from .fields import DecimalOddsField, ValidatedJSONField
from .odds import MAX_DECIMAL_ODDS
from .querysets import ExperimentQuerySet, PropMarketQuerySet, SavedSlipQuerySet, SnapshotQuerySet
from .validators import (
    validate_clean_json,
    validate_correlations,
    validate_decimal_odds,
    validate_finite,
    validate_json_object,
    validate_legs,
    validate_metrics,
    validate_tags,
)

# Bounds keep NaN and Infinity out at the database too: in PostgreSQL NaN compares greater than
# every number, so a finite upper bound rejects both.
MAX_WEEK = 60
MAX_LINE = 100_000
MAX_ODDS = MAX_DECIMAL_ODDS
MAX_AMOUNT = 1_000_000_000_000
# Where markets without a game date sort (last, ascending): a NOT NULL sort key lets cursor
# pages seek in an index with one row comparison (see props/api/pagination.py).
NO_GAME_DATE_SORTS_AS = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
GAME_DATE_SORT_KEY = Coalesce("game_date", Value(NO_GAME_DATE_SORTS_AS))

week_validators = [MinValueValidator(0), MaxValueValidator(MAX_WEEK)]
season_validators = [MinValueValidator(1900), MaxValueValidator(2100)]


def _in_choices(field, choices, name, allow_blank=False):
    condition = Q(**{f"{field}__in": choices.values})
    if allow_blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


def _finite_or_null(field, name, minimum=-MAX_AMOUNT):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": minimum, f"{field}__lte": MAX_AMOUNT}),
        name=name,
    )


class Snapshot(models.Model):
    """A frozen board for a league/week. Locked snapshots are immutable (see services.locking)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    snapshot_id = models.SlugField(
        max_length=100, unique=True, help_text="Human identifier, e.g. nfl-week-5-2024."
    )
    week = models.IntegerField(validators=week_validators)
    league = models.CharField(max_length=10, choices=League.choices)
    season = models.IntegerField(null=True, blank=True, validators=season_validators)
    config = ValidatedJSONField(default=dict, blank=True, validators=[validate_json_object])
    features_path = models.CharField(max_length=500, blank=True)
    model_version = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_locked = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = ValidatedJSONField(default=list, blank=True, validators=[validate_tags])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    game_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords(table_name="snapshots_history")
    objects = SnapshotQuerySet.as_manager()

    class Meta:
        db_table = "snapshots"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["week", "league"], name="snapshots_week_league_idx"),
            models.Index(fields=["created_at"], name="snapshots_created_at_idx"),
            models.Index(fields=["game_date"], name="snapshots_game_date_idx"),
        ]
        constraints = [
            _in_choices("league", League, "snapshots_league_valid"),
            models.CheckConstraint(
                condition=Q(week__gte=0, week__lte=MAX_WEEK), name="snapshots_week_range"
            ),
            models.CheckConstraint(
                condition=Q(season__isnull=True) | Q(season__gte=1900, season__lte=2100),
                name="snapshots_season_range",
            ),
            models.CheckConstraint(
                condition=Q(is_locked=False) | Q(locked_at__isnull=False),
                name="snapshots_locked_has_time",
            ),
        ]

    def __str__(self):
        return self.snapshot_id


class PropMarket(models.Model):
    """One line posted by one platform. No snapshot means the live board."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prop_markets",
    )
    sport = models.CharField(max_length=20, choices=Sport.choices, blank=True)
    week = models.IntegerField(validators=week_validators)
    league = models.CharField(max_length=10, choices=League.choices)
    season = models.IntegerField(null=True, blank=True, validators=season_validators)
    player_id = models.CharField(max_length=100, blank=True)
    player_name = models.CharField(max_length=255)
    position = models.CharField(max_length=20, blank=True)
    team = models.CharField(max_length=50, blank=True)
    opponent = models.CharField(max_length=50, blank=True)
    market_type = models.CharField(max_length=100)
    stat_category = models.CharField(max_length=50, blank=True)
    line = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(MAX_LINE)])
    odds = DecimalOddsField(null=True, blank=True, validators=[validate_decimal_odds])
    platform = models.CharField(max_length=50, choices=Platform.choices)
    external_id = models.CharField(max_length=255, null=True, blank=True)
    game_id = models.CharField(max_length=100, blank=True)
    game_date = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    extra_metadata = ValidatedJSONField(default=dict, blank=True, validators=[validate_json_object])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(table_name="prop_markets_history")
    objects = PropMarketQuerySet.as_manager()

    class Meta:
        db_table = "prop_markets"
        ordering = ["player_name", "market_type", "platform"]
        indexes = [
            models.Index(fields=["week", "league"], name="prop_markets_week_league_idx"),
            models.Index(fields=["player_name"], name="prop_markets_player_name_idx"),
            models.Index(fields=["market_type"], name="prop_markets_market_type_idx"),
            models.Index(fields=["platform"], name="prop_markets_platform_idx"),
            models.Index(fields=["is_active"], name="prop_markets_is_active_idx"),
            models.Index(
                fields=["week", "league", "player_name"], name="prop_markets_wk_lg_player_idx"
            ),
            models.Index(fields=["platform", "is_active"], name="prop_markets_plat_active_idx"),
            models.Index(fields=["game_date"], name="prop_markets_game_date_idx"),
            # The API's filters and orderings (tests/api/test_prop_market_index_use.py).
            models.Index(
                fields=["league", "week", "is_active", "player_name", "id"],
                name="prop_markets_board_idx",
            ),
            models.Index(fields=["league", "week", "line"], name="prop_markets_board_line_idx"),
            models.Index(Lower("player_name"), name="prop_markets_player_lower_idx"),
            models.Index(fields=["season"], name="prop_markets_season_idx"),
            models.Index(fields=["team"], name="prop_markets_team_idx"),
            models.Index(fields=["stat_category"], name="prop_markets_stat_category_idx"),
            models.Index(fields=["line", "id"], name="prop_markets_line_id_idx"),
            models.Index(fields=["updated_at", "id"], name="prop_markets_updated_id_idx"),
            models.Index(GAME_DATE_SORT_KEY, "id", name="prop_markets_game_date_key_idx"),
        ]
        constraints = [
            # The natural key: unique within a snapshot, the live board counting as one.
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=Q(snapshot__isnull=True, external_id__isnull=False),
                name="prop_markets_live_natural_key",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "platform", "external_id"],
                condition=Q(snapshot__isnull=False, external_id__isnull=False),
                name="prop_markets_snapshot_natural_key",
            ),
            _in_choices("league", League, "prop_markets_league_valid"),
            _in_choices("sport", Sport, "prop_markets_sport_valid", allow_blank=True),
            _in_choices("platform", Platform, "prop_markets_platform_valid"),
            models.CheckConstraint(
                condition=Q(week__gte=0, week__lte=MAX_WEEK), name="prop_markets_week_range"
            ),
            models.CheckConstraint(
                condition=Q(season__isnull=True) | Q(season__gte=1900, season__lte=2100),
                name="prop_markets_season_range",
            ),
            models.CheckConstraint(
                condition=Q(line__gte=0, line__lte=MAX_LINE), name="prop_markets_line_range"
            ),
            models.CheckConstraint(
                condition=Q(odds__isnull=True) | Q(odds__gt=1.0, odds__lte=MAX_ODDS),
                name="prop_markets_odds_decimal",
            ),
            models.CheckConstraint(
                condition=~Q(player_name=""), name="prop_markets_player_name_set"
            ),
            models.CheckConstraint(
                condition=~Q(market_type=""), name="prop_markets_market_type_set"
            ),
            models.CheckConstraint(
                condition=~Q(external_id=""), name="prop_markets_external_id_not_empty"
            ),
        ]

    def __str__(self):
        # As staff read it: "Patrick Mahomes — Passing yards 275.5 (DraftKings)".
        return (
            f"{self.player_name} — {catalogue.market_label(self.market_type)} {self.line} "
            f"({self.get_platform_display()})"
        )

    def save(self, *args, **kwargs):
        self.external_id = self.external_id or None
        if not self.sport and self.league in SPORT_OF_LEAGUE:
            self.sport = SPORT_OF_LEAGUE[self.league]
        super().save(*args, **kwargs)


class Experiment(models.Model):
    """A backtest run by a user, with its metrics (roi, win_rate, sharpe …)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments"
    )
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
    )
    timestamp = models.DateTimeField(default=timezone.now)
    week = models.IntegerField(validators=week_validators)
    league = models.CharField(max_length=10, choices=League.choices)
    risk_mode = models.CharField(max_length=20, choices=RiskMode.choices, default=RiskMode.BALANCED)
    bankroll = models.FloatField(
        validators=[validate_finite, MinValueValidator(0.01), MaxValueValidator(MAX_AMOUNT)]
    )
    num_props = models.PositiveIntegerField(default=0)
    num_slips = models.PositiveIntegerField(default=0)
    metrics = ValidatedJSONField(default=dict, blank=True, validators=[validate_metrics])
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ExperimentStatus.choices, default=ExperimentStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ExperimentQuerySet.as_manager()

    class Meta:
        db_table = "experiments"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["week", "league"], name="experiments_week_league_idx"),
            models.Index(fields=["timestamp"], name="experiments_timestamp_idx"),
            models.Index(fields=["status"], name="experiments_status_idx"),
            models.Index(fields=["user", "-created_at"], name="experiments_user_created_idx"),
        ]
        constraints = [
            _in_choices("league", League, "experiments_league_valid"),
            _in_choices("risk_mode", RiskMode, "experiments_risk_mode_valid"),
            _in_choices("status", ExperimentStatus, "experiments_status_valid"),
            models.CheckConstraint(
                condition=Q(week__gte=0, week__lte=MAX_WEEK), name="experiments_week_range"
            ),
            models.CheckConstraint(
                condition=Q(bankroll__gt=0, bankroll__lte=MAX_AMOUNT),
                name="experiments_bankroll_positive",
            ),
        ]

    def __str__(self):
        return self.name or f"{self.league} week {self.week} ({self.risk_mode})"


class SavedSlip(models.Model):
    """A parlay a user saved, with its expected value and risk figures."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_slips"
    )
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_slips",
    )
    legs = ValidatedJSONField(validators=[validate_legs])
    ev = models.FloatField(null=True, blank=True, validators=[validate_finite])
    variance = models.FloatField(
        null=True, blank=True, validators=[validate_finite, MinValueValidator(0)]
    )
    var_95 = models.FloatField(null=True, blank=True, validators=[validate_finite])
    stake = models.FloatField(
        default=0, validators=[validate_finite, MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]
    )
    correlations = ValidatedJSONField(null=True, blank=True, validators=[validate_clean_json])
    name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    is_placed = models.BooleanField(default=False)
    platform = models.CharField(max_length=50, choices=Platform.choices, blank=True)
    tags = ValidatedJSONField(default=list, blank=True, validators=[validate_tags])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    placed_at = models.DateTimeField(null=True, blank=True)

    objects = SavedSlipQuerySet.as_manager()

    class Meta:
        db_table = "saved_slips"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="saved_slips_created_at_idx"),
            models.Index(fields=["ev"], name="saved_slips_ev_idx"),
            models.Index(fields=["is_placed"], name="saved_slips_is_placed_idx"),
            models.Index(fields=["user", "-created_at"], name="saved_slips_user_created_idx"),
        ]
        constraints = [
            _in_choices("platform", Platform, "saved_slips_platform_valid", allow_blank=True),
            _finite_or_null("ev", "saved_slips_ev_finite"),
            _finite_or_null("variance", "saved_slips_variance_non_negative", minimum=0),
            _finite_or_null("var_95", "saved_slips_var_95_finite"),
            models.CheckConstraint(
                condition=Q(stake__gte=0, stake__lte=MAX_AMOUNT),
                name="saved_slips_stake_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(is_placed=True, placed_at__isnull=False)
                | Q(is_placed=False, placed_at__isnull=True),
                name="saved_slips_placed_has_time",
            ),
        ]

    def __str__(self):
        return self.name or f"{len(self.legs or [])}-leg slip"

    def save(self, *args, **kwargs):
        if self.is_placed and self.placed_at is None:
            self.placed_at = timezone.now()
        elif not self.is_placed:
            self.placed_at = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if isinstance(self.legs, list):
            try:
                validate_correlations(self.correlations, len(self.legs))
            except ValidationError as exc:
                raise ValidationError({"correlations": exc.messages}) from None


# Feed sources and import runs live in their own module; imported here so they are the app's.
from .feeds.models import FeedSource, ImportRun  # noqa: E402, F401

# Background jobs (props/jobs/): the admin's long work queued for a worker.
from .jobs.models import BackgroundJob  # noqa: E402, F401

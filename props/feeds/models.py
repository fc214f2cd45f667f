"""`FeedSource` (a feed polled over HTTP) and `ImportRun` (what one import did). Imported by
props.models, so they belong to the props app.

Secrets never reach the database: a source's headers map each header name to the *name* of an
environment variable, read when the source is polled.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..choices import League, Platform

MIN_INTERVAL_SECONDS = 10
MAX_INTERVAL_SECONDS = 7 * 24 * 60 * 60
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


class FeedFormat(models.TextChoices):
    """The import formats (props.importers.FORMATS; a test keeps the two the same)."""

    PRIZEPICKS = "prizepicks", "PrizePicks projections JSON"
    UNDERDOG = "underdog", "Underdog over/under lines JSON"
    ODDSAPI = "oddsapi", "The Odds API event odds JSON"
    SPORTSBOOK_CSV = "sportsbook-csv", "Sportsbook CSV"
    JSONL = "jsonl", "JSON lines"
    CSV = "csv", "CSV"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    NOT_MODIFIED = "not_modified", "Not modified"


FINISHED_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.NOT_MODIFIED)


class RunOrigin(models.TextChoices):
    COMMAND = "command", "import_props command"
    ADMIN = "admin", "Admin upload"
    FEED = "feed", "Feed poll"
    OTHER = "other", "Other"


def validate_headers(value):
    """{"Header-Name": "ENV_VAR_NAME"}: names only; the value is read from the environment."""
    if not isinstance(value, dict):
        raise ValidationError("Headers must be an object of header name -> environment variable.")
    for header, variable in value.items():
        if not HEADER_NAME.match(str(header)):
            raise ValidationError(f"{header!r} is not a valid HTTP header name.")
        if not isinstance(variable, str) or not ENV_VAR_NAME.match(variable):
            raise ValidationError(
                f"Header {header}: {variable!r} is not an environment variable name "
                "(letters, digits, _; the secret itself is never stored)."
            )


def _in_choices(field, choices, name, allow_blank=False):
    condition = Q(**{f"{field}__in": choices.values})
    if allow_blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


class FeedSource(models.Model):
    """A feed polled every `interval_seconds` and imported into the live board."""

    name = models.SlugField(max_length=100, unique=True)
    url = models.URLField(max_length=1000, help_text="Fetched with HTTP GET.")
    format = models.CharField(max_length=20, choices=FeedFormat.choices)
    platform = models.CharField(
        max_length=20, choices=Platform.choices, blank=True, help_text="For feeds without one."
    )
    league = models.CharField(
        max_length=10,
        choices=League.choices,
        blank=True,
        help_text="For feeds without one; for others, import only this league.",
    )
    week = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    season = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    deactivate_missing = models.BooleanField(
        default=False,
        help_text="Deactivate the board's markets of the feed's platforms/leagues/weeks that "
        "the feed no longer has.",
    )
    interval_seconds = models.PositiveIntegerField(
        default=300,
        validators=[
            MinValueValidator(MIN_INTERVAL_SECONDS),
            MaxValueValidator(MAX_INTERVAL_SECONDS),
        ],
        help_text="Seconds between polls.",
    )
    enabled = models.BooleanField(default=True)
    headers = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_headers],
        help_text="Header name -> environment variable holding its value, e.g. "
        '{"X-Api-Key": "PRIZEPICKS_API_KEY"}. Secrets are never stored here.',
    )
    # Poll state: conditional-request validators, the schedule, the failure streak.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    flagged_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set after FEEDS_MAX_CONSECUTIVE_FAILURES failed polls in a row; a flagged "
        "source is not polled until enabled again.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "feed_sources"
        ordering = ["name"]
        indexes = [models.Index(fields=["next_poll_at"], name="feed_sources_next_poll_idx")]
        constraints = [
            _in_choices("format", FeedFormat, "feed_sources_format_valid"),
            _in_choices("platform", Platform, "feed_sources_platform_valid", allow_blank=True),
            _in_choices("league", League, "feed_sources_league_valid", allow_blank=True),
            models.CheckConstraint(
                condition=Q(
                    interval_seconds__gte=MIN_INTERVAL_SECONDS,
                    interval_seconds__lte=MAX_INTERVAL_SECONDS,
                ),
                name="feed_sources_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(week__isnull=True) | Q(week__gte=0, week__lte=60),
                name="feed_sources_week_range",
            ),
            models.CheckConstraint(
                condition=Q(season__isnull=True) | Q(season__gte=1900, season__lte=2100),
                name="feed_sources_season_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_flagged(self) -> bool:
        return self.flagged_at is not None

    def import_options(self) -> dict:
        """run_import's keyword arguments for this source."""
        return {
            "format": self.format,
            "platform": self.platform or None,
            "league": self.league or None,
            "week": self.week,
            "season": self.season,
            "deactivate_missing": self.deactivate_missing,
        }


class ImportRun(models.Model):
    """One import (command, admin upload, feed poll): who, what, when, how it ended, counts."""

    source = models.ForeignKey(
        FeedSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    source_name = models.CharField(max_length=300, blank=True, help_text="Feed or file name.")
    origin = models.CharField(max_length=10, choices=RunOrigin.choices, default=RunOrigin.OTHER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    snapshot = models.CharField(max_length=100, blank=True, help_text="Target; blank = live.")
    format = models.CharField(max_length=20, blank=True)
    # The platforms the imported rows name, ",prizepicks,underdog," (filterable anywhere).
    platforms = models.CharField(max_length=600, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    rows_per_second = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Feed polls: the HTTP status of the last attempt, the body's size, attempts made.
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    body_bytes = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=100, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "import_runs"
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["-queued_at", "-id"], name="import_runs_queued_idx"),
            models.Index(fields=["source", "-queued_at"], name="import_runs_source_idx"),
            models.Index(fields=["status", "-queued_at"], name="import_runs_status_idx"),
        ]
        constraints = [
            _in_choices("status", RunStatus, "import_runs_status_valid"),
            _in_choices("origin", RunOrigin, "import_runs_origin_valid"),
            models.CheckConstraint(
                condition=Q(seconds__isnull=True) | Q(seconds__gte=0),
                name="import_runs_seconds_positive",
            ),
            models.CheckConstraint(
                condition=Q(rows_per_second__isnull=True) | Q(rows_per_second__gte=0),
                name="import_runs_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="import_runs_finished_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=FINISHED_STATUSES) | Q(finished_at__isnull=False),
                name="import_runs_finished_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.source_name or 'import'} ({self.get_status_display()})"

    @property
    def platform_list(self) -> list[str]:
        return [p for p in self.platforms.split(",") if p]

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

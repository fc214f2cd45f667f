"""factory-boy factories, one per model."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.choices import SubscriptionTier
from accounts.models import User
from accounts.services import grant_credits
from props.choices import League, Platform, RiskMode
from props.models import Experiment, PropMarket, SavedSlip, Snapshot

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    clerk_user_id = factory.Sequence(lambda n: f"user_clerk{n:06d}")
    subscription_tier = SubscriptionTier.FREE

    @factory.post_generation
    def credits(obj, create, extracted, **kwargs):
        """`UserFactory(credits=…)`: an opening grant through the ledger (accounts.services)."""
        if not extracted:
            return
        if not create:
            obj.credits = Decimal(str(extracted))
            return
        obj.credits = grant_credits(
            user_id=obj.pk, amount=extracted, reason="Test factory"
        ).balance_after


class StaffUserFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@betterbros.example")
    clerk_user_id = None
    is_staff = True
    is_superuser = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    snapshot_id = factory.Sequence(lambda n: f"nfl-week-5-2024-{n}")
    week = 5
    league = League.NFL
    season = 2024
    config = factory.LazyFunction(lambda: {"risk_mode": "balanced"})
    model_version = "v1.2.0"


class PropMarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PropMarket

    snapshot = None
    week = 5
    league = League.NFL
    season = 2024
    player_name = factory.Sequence(lambda n: f"Player {n:05d}")
    team = "KC"
    opponent = "BUF"
    market_type = "passing_yards"
    stat_category = "passing"
    line = 275.5
    odds = 1.9091
    platform = Platform.PRIZEPICKS
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    game_id = "game-1"
    game_date = factory.LazyFunction(timezone.now)


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    user = factory.SubFactory(UserFactory)
    snapshot = None
    week = 5
    league = League.NFL
    risk_mode = RiskMode.BALANCED
    bankroll = 1000.0
    metrics = factory.LazyFunction(lambda: {"roi": 0.15, "win_rate": 0.62, "sharpe": 1.8})


class SavedSlipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSlip

    user = factory.SubFactory(UserFactory)
    snapshot = None
    legs = factory.LazyFunction(
        lambda: [
            {"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5},
            {"player": "Travis Kelce", "stat": "receptions", "line": 5.5},
        ]
    )
    ev = 1.45
    stake = 50.0
    platform = Platform.PRIZEPICKS


class FeedSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "props.FeedSource"

    name = factory.Sequence(lambda n: f"feed-{n}")
    url = factory.Sequence(lambda n: f"http://127.0.0.1:16299/feed-{n}.json")
    format = "prizepicks"
    interval_seconds = 60


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "props.ImportRun"

    source_name = factory.Sequence(lambda n: f"board-{n}.json")
    status = "succeeded"
    platforms = ",prizepicks,"
    created = 10
    finished_at = factory.LazyFunction(timezone.now)
    started_at = factory.SelfAttribute("finished_at")

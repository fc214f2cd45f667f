"""Load a realistic demo: users of each tier, a live board across leagues and platforms (loaded
through the importer, as a feed would be), an open and a locked snapshot, experiments and saved
slips. Idempotent: a second run changes nothing. Works on SQLite (the README's `make run`).

The sportsbooks price both sides of each line (the Under in extra_metadata, as the sportsbook
CSV importer keeps it), so the edges and the dashboard have something to show, and a later
import moves some lines, so the line history, movers and the change page's chart do too.

Prints the demo staff login for the admin.
"""

import io
import random
from datetime import timedelta

import orjson
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.choices import SubscriptionTier
from accounts.models import User
from accounts.services import grant_credits
from props.choices import ExperimentStatus, League, Platform, RiskMode
from props.importers import run_import
from props.models import Experiment, SavedSlip, Snapshot
from props.services import capture_snapshot

STAFF_EMAIL = "staff@betterbros.example"
STAFF_PASSWORD = "betterbros-demo"

# league: (week, season, markets with their typical lines, teams)
BOARDS = {
    League.NFL: (
        5,
        2024,
        {
            "passing_yards": 245.5,
            "rushing_yards": 55.5,
            "receptions": 4.5,
            "receiving_yards": 52.5,
            "passing_tds": 1.5,
        },
        ["KC", "BUF", "PHI", "SF", "DAL", "BAL", "DET", "MIA"],
    ),
    League.NBA: (
        12,
        2024,
        {
            "points": 18.5,
            "rebounds": 6.5,
            "assists": 4.5,
            "points_rebounds_assists": 29.5,
            "threes_made": 1.5,
        },
        ["BOS", "DEN", "LAL", "MIL", "PHX", "GSW", "NYK", "DAL"],
    ),
    League.MLB: (
        20,
        2024,
        {"hits": 0.5, "total_bases": 1.5, "strikeouts": 5.5, "runs_batted_in": 0.5},
        ["NYY", "LAD", "ATL", "HOU", "BAL", "PHI"],
    ),
    League.NHL: (
        10,
        2024,
        {"shots_on_goal": 2.5, "points": 0.5, "saves": 27.5},
        ["EDM", "FLA", "NYR", "DAL", "COL", "BOS"],
    ),
}
PLATFORMS = [Platform.PRIZEPICKS, Platform.UNDERDOG, Platform.DRAFTKINGS, Platform.FANDUEL]
SPORTSBOOKS = {Platform.DRAFTKINGS, Platform.FANDUEL}
PLAYERS_PER_TEAM = 12
BOOK_MARGIN = 0.045  # the books' overround on a two-way line
MOVED_SHARE = 0.08  # of the board, moved by the later import


class Command(BaseCommand):
    help = "Load demo users, boards, snapshots, experiments and slips (idempotent)."

    def handle(self, *args, **options):
        staff = self._staff()
        if Snapshot.objects.filter(snapshot_id="demo-nfl-week-5-2024-final").exists():
            self.stdout.write("Demo data already loaded; nothing changed.")
        else:
            with transaction.atomic():
                counts = self._load(staff)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {counts['markets']} markets, 2 snapshots, "
                    f"{counts['experiments']} experiments, {counts['slips']} slips."
                )
            )
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  login {STAFF_EMAIL} / {STAFF_PASSWORD}"
        )

    def _staff(self):
        staff = User.objects.filter(email=STAFF_EMAIL).first()
        if staff is None:
            staff = User.objects.create_superuser(
                STAFF_EMAIL, STAFF_PASSWORD, full_name="Demo Staff", is_verified=True
            )
        return staff

    def _load(self, staff):
        rng = random.Random(20241005)
        users = [
            User.objects.create_user(
                f"{tier}@betterbros.example",
                clerk_user_id=f"user_demo_{tier}",
                full_name=f"Demo {tier.title()} User",
                subscription_tier=tier,
            )
            for tier in SubscriptionTier.values
        ]
        for user in users:
            # Through the ledger, like every change of a balance.
            grant_credits(user_id=user.pk, amount=100, reason="Demo starting credits")
        markets = self._import_board(rng, staff)

        final = capture_snapshot(
            slug="demo-nfl-week-5-2024-final",
            league=League.NFL,
            week=5,
            season=2024,
            lock=True,
            user=staff,
            name="NFL week 5 final board",
            model_version="v1.2.0",
            config={"risk_mode": "balanced"},
        )
        capture_snapshot(
            slug="demo-nba-week-12-2024",
            league=League.NBA,
            week=12,
            season=2024,
            name="NBA week 12 working board",
            model_version="v1.3.0-rc1",
        )
        experiments = [
            Experiment(
                user=user,
                snapshot=final,
                week=5,
                league=League.NFL,
                risk_mode=rng.choice(RiskMode.values),
                bankroll=1000.0,
                num_props=rng.randint(50, 300),
                num_slips=rng.randint(5, 40),
                metrics={
                    "roi": round(rng.uniform(-0.2, 0.3), 4),
                    "win_rate": round(rng.uniform(0.4, 0.7), 4),
                    "sharpe": round(rng.uniform(-0.5, 2.5), 3),
                },
                status=ExperimentStatus.COMPLETED,
                name=f"Backtest {index + 1}",
            )
            for user in users
            for index in range(3)
        ]
        Experiment.objects.bulk_create(experiments)
        slips = [
            SavedSlip(
                user=user,
                snapshot=final,
                platform=Platform.PRIZEPICKS,
                ev=1.45,
                stake=25.0,
                variance=0.8,
                var_95=-25.0,
                name="Sunday power play",
                legs=[
                    {
                        "player": "KC Player 1",
                        "stat": "passing_yards",
                        "line": 245.5,
                        "direction": "over",
                    },
                    {
                        "player": "KC Player 2",
                        "stat": "receptions",
                        "line": 4.5,
                        "direction": "over",
                    },
                ],
                correlations=[[1, 0.35], [0.35, 1]],
            )
            for user in users
        ]
        SavedSlip.objects.bulk_create(slips)
        return {"markets": markets, "experiments": len(experiments), "slips": len(slips)}

    def _import_board(self, rng, staff):
        """Load the live board through the importer (JSON lines), as a feed would arrive."""
        kickoff = timezone.now().replace(hour=18, minute=0, second=0, microsecond=0)
        records = list(_board_records(rng, kickoff))
        feed = io.BytesIO()
        for record in records:
            feed.write(orjson.dumps(record) + b"\n")
        feed.seek(0)
        report = run_import(feed, format="jsonl", user=staff, source_name="seed_demo")
        self._move_some_lines(rng, staff, records)
        return report.created + report.updated + report.unchanged

    def _move_some_lines(self, rng, staff, records):
        """A later import of the same feed with some lines moved half a point or a point (and
        the books' prices with them), as the day's boards move."""
        feed = io.BytesIO()
        for record in records:
            if rng.random() < MOVED_SHARE:
                moved = {
                    **record,
                    "line": max(0.5, record["line"] + rng.choice([-1, -0.5, 0.5, 1])),
                }
                if record["platform"] in SPORTSBOOKS:
                    moved.update(_book_prices(rng))
                feed.write(orjson.dumps(moved) + b"\n")
        feed.seek(0)
        run_import(feed, format="jsonl", user=staff, source_name="seed_demo (later board)")


def _american(probability):
    """The American odds of a price whose implied probability is `probability`."""
    if probability >= 0.5:
        return -round(100 * probability / (1 - probability))
    return round(100 * (1 - probability) / probability)


def _book_prices(rng):
    """A sportsbook's two sides of a line: Over price in `odds`, both in extra_metadata."""
    fair_over = rng.uniform(0.40, 0.60)
    over = _american(fair_over * (1 + BOOK_MARGIN))
    under = _american((1 - fair_over) * (1 + BOOK_MARGIN))
    return {
        "odds": over,
        "extra_metadata": {"over_price_american": over, "under_price_american": under},
    }


def _board_records(rng, kickoff):
    for league, (week, season, stats, teams) in BOARDS.items():
        for team_index, team in enumerate(teams):
            opponent = teams[team_index ^ 1] if team_index ^ 1 < len(teams) else teams[0]
            for number in range(PLAYERS_PER_TEAM):
                for stat, typical in stats.items():
                    base = max(0.5, round(typical * rng.uniform(0.6, 1.4) * 2) / 2)
                    for platform in PLATFORMS:
                        # The books post the same line; a pick'em line is mostly theirs too.
                        shift = 0 if platform in SPORTSBOOKS else rng.choice([-0.5, 0, 0, 0, 0.5])
                        record = {
                            "platform": platform,
                            "external_id": f"demo-{league}-{team}-{number}-{stat}-{platform}",
                            "league": league,
                            "season": season,
                            "week": week,
                            "player_id": f"{league}-{team}-{number}",
                            "player_name": f"{team} Player {number + 1}",
                            "team": team,
                            "opponent": opponent,
                            "market_type": stat,
                            "line": max(0.5, base + shift),
                            "game_id": f"demo-{league}-{'-'.join(sorted([team, opponent]))}",
                            "game_date": (kickoff + timedelta(days=team_index % 3)).isoformat(),
                            "is_active": rng.random() > 0.03,
                        }
                        if platform in SPORTSBOOKS:
                            record.update(_book_prices(rng))
                        yield record

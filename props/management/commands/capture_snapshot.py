"""Capture the live board's markets of a league/week into a new snapshot (one transaction).

    python manage.py capture_snapshot nfl-week-5-2024 --league NFL --week 5 --season 2024 --lock

Calls `props.services.capture_snapshot`, the service the admin and the API call too.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from accounts.models import User
from props.choices import League
from props.models import MAX_WEEK, Snapshot
from props.services import DomainError, capture_snapshot


class Command(BaseCommand):
    help = "Copy the live board's markets of a league/week into a new snapshot, optionally locked."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The new snapshot's slug, e.g. nfl-week-5-2024.")
        parser.add_argument("--league", required=True, choices=League.values)
        parser.add_argument("--week", required=True, type=int)
        parser.add_argument("--season", type=int, help="Only markets of this season.")
        parser.add_argument("--lock", action="store_true", help="Lock the snapshot at once.")
        parser.add_argument("--name", default="", help="The snapshot's display name.")
        parser.add_argument("--user", help="Email of the staff user recorded as locking it.")

    def handle(self, *args, slug, league, week, season, lock, name, user, **options):
        if not 0 <= week <= MAX_WEEK:
            raise CommandError(f"--week must be between 0 and {MAX_WEEK}.")
        try:
            Snapshot._meta.get_field("snapshot_id").run_validators(slug)
        except ValidationError as exc:
            raise CommandError(f"Invalid slug {slug!r}: {' '.join(exc.messages)}") from None
        if Snapshot.objects.filter(snapshot_id=slug).exists():
            raise CommandError(f"Snapshot '{slug}' already exists; choose another slug.")
        locker = None
        if user:
            locker = User.objects.filter(email__iexact=user).first()
            if locker is None:
                raise CommandError(f"No user with email {user!r}.")
        try:
            snapshot = capture_snapshot(
                slug=slug,
                league=league,
                week=week,
                season=season,
                lock=lock,
                user=locker,
                name=name,
            )
        except (DomainError, IntegrityError) as exc:
            raise CommandError(f"Could not capture '{slug}': {exc}") from None
        state = "locked" if snapshot.is_locked else "open"
        self.stdout.write(
            self.style.SUCCESS(
                f"Captured {snapshot.captured_markets} markets of {league} week {week} into "
                f"snapshot '{slug}' ({state})."
            )
        )

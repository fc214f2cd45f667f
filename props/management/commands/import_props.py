"""Import a prop-market feed (a file, or - for stdin) into the live board or a snapshot.

    python manage.py import_props board.json
    python manage.py import_props books.csv --league NBA --week 12 --season 2024 --dry-run
    python manage.py import_props board.csv --snapshot nfl-week-5-2024 --create-snapshot

Prints a one-line summary (created, updated, unchanged, deactivated, rejected, seconds, rows/s)
and what it decided (format, board, week source, skipped leagues, unknown stats). Exits with 1
and a message, writing nothing, when the file or its rows are bad. See docs/imports.md.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from props.importers import FORMATS, ImportFailed, run_import
from props.services.errors import DomainError

LISTED_GROUPS = 20  # kinds of rejection (field, reason) printed; --errors FILE has every row


class Command(BaseCommand):
    help = "Import a prop-market feed into the live board or a snapshot (all-or-nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The feed file, or - to read standard input.")
        parser.add_argument(
            "--format", choices=list(FORMATS), help="The feed's format (default: guessed)."
        )
        parser.add_argument("--snapshot", help="Target snapshot slug (default: the live board).")
        parser.add_argument(
            "--create-snapshot",
            action="store_true",
            help="Create the --snapshot if it does not exist (league/week from the file).",
        )
        parser.add_argument("--platform", help="Platform for feeds that do not name one.")
        parser.add_argument(
            "--league", help="League for feeds without one; for others, import only this league."
        )
        parser.add_argument("--week", type=int, help="Week for feeds without weeks.")
        parser.add_argument("--season", type=int, help="Season for feeds without seasons.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count; write nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the board's markets of the file's platforms/leagues/weeks that the "
            "file no longer has.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and reject the others (see --errors).",
        )
        parser.add_argument("--errors", help="Write rejected rows (location, field, reason) here.")
        parser.add_argument("--user", help="Email of the user the history records as the author.")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No user with email {options['user']!r}.")
        try:
            report = run_import(
                options["path"],
                format=options["format"],
                snapshot=options["snapshot"],
                create_snapshot=options["create_snapshot"],
                platform=options["platform"],
                league=options["league"],
                week=options["week"],
                season=options["season"],
                dry_run=options["dry_run"],
                deactivate_missing=options["deactivate_missing"],
                skip_invalid=options["skip_invalid"],
                user=user,
                progress=True,
                origin="command",
            )
        except ImportFailed as exc:
            self._write_errors(exc.report, options["errors"])
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self._write_errors(report, options["errors"])
        for line in report.details():
            self.stdout.write(line)
        if report.rejected:
            groups = report.rejection_groups()
            self.stderr.write(f"{len(report.rejected)} row(s) rejected:")
            for group in groups[:LISTED_GROUPS]:
                self.stderr.write(f"  {group}")
            if len(groups) > LISTED_GROUPS:
                self.stderr.write(
                    f"  … and {len(groups) - LISTED_GROUPS} more kinds (see --errors)"
                )
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _write_errors(self, report, path):
        if path and report.rejected:
            report.write_errors(path)
            self.stderr.write(f"Rejected rows written to {path}.")

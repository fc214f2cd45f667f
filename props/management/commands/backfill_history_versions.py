"""Fill the previous version of the history rows written before migration 0012 (whose insert
trigger fills it for every new row), one range of market ids per transaction.

    python manage.py backfill_history_versions [--parts 1024]

An operator step after deploying 0012 on a database with history: movers are exact without it
(a row that does not carry its previous version is read the slower way), only slower for
windows that reach back before the deployment. Safe to stop and re-run: rows already right are
not rewritten. Each part locks only the rows it updates.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from props.history import BACKFILL_PREVIOUS_VERSIONS, id_ranges


class Command(BaseCommand):
    help = "Fill prev_line/prev_odds/prev_history_date/version_number of older history rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--parts",
            type=int,
            default=1024,
            help="How many ranges of market ids to update, one transaction each.",
        )

    def handle(self, *args, parts, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL keeps previous versions on history rows.")
        if parts < 1:
            raise CommandError("--parts must be at least 1.")
        started, updated = time.perf_counter(), 0
        for low, high in id_ranges(parts):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(BACKFILL_PREVIOUS_VERSIONS, [low, high])
                updated += cursor.rowcount
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{updated} history rows updated in {elapsed:.0f} s")

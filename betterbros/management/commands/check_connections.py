"""`manage.py check_connections`: the `/health/ready/` report on the command line."""

import json

from django.core.management.base import BaseCommand, CommandError

from betterbros.health_checks import check_all_connections


class Command(BaseCommand):
    help = (
        "Check PostgreSQL and Redis as /health/ready/ does; print the same JSON report and exit "
        "non-zero when any is unhealthy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="Seconds to wait for each dependency (default: HEALTH_CHECK_TIMEOUT).",
        )

    def handle(self, *args, timeout=None, **options):
        report = check_all_connections(timeout=timeout)
        self.stdout.write(json.dumps(report, indent=2))
        failing = [name for name, check in report["checks"].items() if not check["healthy"]]
        if failing:
            raise CommandError(f"Unhealthy: {', '.join(failing)}.")

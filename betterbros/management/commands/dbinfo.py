"""`manage.py dbinfo`: the database's server version, size and connection-pool figures."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from betterbros.health_checks import get_db_info
from betterbros.management.faults import explain


class Command(BaseCommand):
    help = (
        "Print the database's server version and size, and its connection pool's size, "
        "connections in use, available and waiting requests (or that there is no pool)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", choices=list(connections))
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object."
        )

    def handle(self, *args, database, as_json=False, **options):
        try:
            info = get_db_info(database)
        except DatabaseError as error:
            reason = explain(error) or str(error).splitlines()[0]
            raise CommandError(f"The database '{database}' cannot be reached. {reason}") from error
        if as_json:
            self.stdout.write(json.dumps(info, indent=2))
            return
        pool = info["pool"]
        lines = [
            f"Database:  {info['database']} ({info['alias']})",
            f"Server:    {info['server_version']}",
            f"Size:      {info['size']} ({info['size_bytes']} bytes)",
        ]
        if pool["enabled"]:
            lines.append(
                f"Pool:      size {pool['size']} (min {pool['min_size']}, max "
                f"{pool['max_size']}), in use {pool['in_use']}, available {pool['available']}, "
                f"waiting {pool['waiting']}"
            )
        else:
            lines.append(f"Pool:      none. {pool['detail']}")
        self.stdout.write("\n".join(lines))

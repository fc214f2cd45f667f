"""Export prop markets as CSV or JSON lines, the formats `import_props` reads back.

    python manage.py export_props --league NFL --week 5 -o nfl-week-5.csv
    python manage.py export_props --snapshot nfl-week-5-2024 --format jsonl > board.jsonl

The filters are the API's (`props.filtersets.PropMarketFilterSet`), one option per filter
(range filters as --line-min/--line-max, --game-date-after/--game-date-before). The live board
unless --snapshot (or --live false) says otherwise; each row carries its board's slug, so any
export imports back to the boards it came from. Streamed: memory stays flat at any size.
"""

import contextlib

from django.core.management.base import BaseCommand, CommandError

from props.exporters import WRITERS, export_rows
from props.filtersets.markets import PropMarketFilterSet
from props.models import PropMarket, Snapshot


def _filter_options():
    """(query parameter, help) for every filter of the FilterSet, range filters split."""
    for name, declared in PropMarketFilterSet.base_filters.items():
        suffixes = getattr(declared.field.widget, "suffixes", None)
        help_text = declared.extra.get("help_text", "")
        if suffixes:
            for suffix in suffixes:
                yield f"{name}_{suffix}", help_text
        else:
            yield name, help_text


class Command(BaseCommand):
    help = "Export prop markets (CSV or JSON lines) with the API's filters; re-importable."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        for parameter, help_text in _filter_options():
            parser.add_argument(
                "--" + parameter.replace("_", "-"), dest=f"filter_{parameter}", help=help_text
            )

    def handle(self, *args, **options):
        data = {
            key.removeprefix("filter_"): value
            for key, value in options.items()
            if key.startswith("filter_") and value is not None
        }
        if "snapshot" not in data:
            data.setdefault("live", "true")
        elif not Snapshot.objects.filter(snapshot_id=data["snapshot"]).exists():
            raise CommandError(
                f"No snapshot {data['snapshot']!r}; the list of snapshots is in the admin "
                "(Snapshots) and at /api/v1/snapshots/."
            )
        filterset = PropMarketFilterSet(data, queryset=PropMarket.objects.all())
        if not filterset.is_valid():
            problems = "; ".join(
                f"--{field.replace('_', '-')}: {' '.join(errors)}"
                for field, errors in filterset.errors.items()
            )
            raise CommandError(f"Invalid filter: {problems}")
        markets = export_rows(filterset.qs)
        output = (
            open(options["output"], "w", newline="", encoding="utf-8")  # noqa: SIM115
            if options["output"]
            else contextlib.nullcontext(self.stdout)
        )
        write = WRITERS[options["format"]]
        try:
            with output as handle:
                count = write(markets, handle)
        except BrokenPipeError:  # the reader (e.g. `| head`) has had enough
            return
        self.stderr.write(f"Exported {count} markets ({options['format']}).")

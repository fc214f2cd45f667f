"""Feed sources from the command line, for operators and cron users without beat.

    python manage.py feeds list
    python manage.py feeds add NAME URL --format F [--platform P] [--league L] [--week N]
        [--season Y] [--every SECONDS] [--deactivate-missing] [--header NAME=ENV_VAR]
    python manage.py feeds enable|disable NAME
    python manage.py feeds poll [NAME]

`poll` runs in the foreground (no worker needed): the named source, or every due one; it prints
each run's counts and exits non-zero when a poll failed.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from props.feeds import polling
from props.feeds.models import FeedFormat, FeedSource, RunStatus


class Command(BaseCommand):
    help = "List, add, enable, disable and poll feed sources."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Every source with its state and last run.")
        add = actions.add_parser("add", help="Add a feed source.")
        add.add_argument("name")
        add.add_argument("url")
        add.add_argument("--format", required=True, choices=FeedFormat.values)
        add.add_argument("--platform", default="")
        add.add_argument("--league", default="")
        add.add_argument("--week", type=int)
        add.add_argument("--season", type=int)
        add.add_argument("--every", type=int, default=300, help="Seconds between polls.")
        add.add_argument("--deactivate-missing", action="store_true")
        add.add_argument(
            "--header",
            action="append",
            default=[],
            metavar="NAME=ENV_VAR",
            help="A request header whose value is read from the environment variable ENV_VAR.",
        )
        for name in ("enable", "disable"):
            actions.add_parser(name).add_argument("name")
        poll = actions.add_parser("poll", help="Poll a source (or every due one) now.")
        poll.add_argument("name", nargs="?")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _list(self, **options):
        sources = FeedSource.objects.all()
        if not sources:
            self.stdout.write("No feed sources.")
        for source in sources:
            last = source.runs.order_by("-queued_at").first()
            state = "flagged" if source.is_flagged else "enabled" if source.enabled else "disabled"
            last_text = f"{last.status} {last.queued_at:%Y-%m-%d %H:%M}" if last else "never"
            self.stdout.write(
                f"{source.name}\t{state}\tevery {source.interval_seconds}s\t{source.format}\t"
                f"{source.url}\tlast run: {last_text}"
            )

    def _add(self, *, name, url, every, header, **options):
        headers = {}
        for item in header:
            key, sep, variable = item.partition("=")
            if not sep:
                raise CommandError(f"--header {item!r}: give NAME=ENV_VAR.")
            headers[key.strip()] = variable.strip()
        source = FeedSource(
            name=name,
            url=url,
            format=options["format"],
            platform=options["platform"],
            league=options["league"],
            week=options["week"],
            season=options["season"],
            interval_seconds=every,
            deactivate_missing=options["deactivate_missing"],
            headers=headers,
        )
        try:
            source.full_clean()
            source.save()
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except IntegrityError as exc:
            raise CommandError(f"The database refused the source: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Added {source.name}, polled every {every}s."))

    def _enable(self, *, name, **options):
        polling.enable(self._source(name))
        self.stdout.write(f"{name}: enabled (flag and failure count cleared; due now).")

    def _disable(self, *, name, **options):
        polling.disable(self._source(name))
        self.stdout.write(f"{name}: disabled.")

    def _poll(self, *, name, **options):
        if name:
            sources = [self._source(name)]
        else:
            claimed = dict(polling.claim_due_sources())
            sources = list(FeedSource.objects.filter(pk__in=claimed))
            if not sources:
                self.stdout.write("No source is due.")
        failed = 0
        for source in sources:
            try:
                run = polling.poll_source(source.pk)
            except Exception as exc:  # recorded and reported, then the others are polled
                failed += 1
                self.stderr.write(f"{source.name}: {exc}")
                continue
            if run is None:
                self.stdout.write(f"{source.name}: being polled elsewhere; skipped.")
                continue
            self.stdout.write(_describe(source, run))
            if run.status == RunStatus.FAILED:
                failed += 1
                self.stderr.write(f"{source.name}: {run.error}")
        if failed:
            raise CommandError(f"{failed} poll(s) failed.")

    def _source(self, name):
        source = FeedSource.objects.filter(name=name).first()
        if source is None:
            raise CommandError(f"No feed source named {name!r} (see `feeds list`).")
        return source


def _describe(source, run):
    text = f"{source.name}: {run.get_status_display().lower()}"
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED) and run.seconds is not None:
        text += (
            f" — {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.deactivated} deactivated, {run.rejected} rejected, {run.skipped} skipped "
            f"in {run.seconds:.2f}s ({run.rows_per_second or 0:,.0f} rows/s)"
        )
    return text + f" [run {run.pk}]"


def _messages(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
    return " ".join(exc.messages)

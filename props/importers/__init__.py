"""Importing prop-market feeds: one module per format behind one interface, one shared pipeline.

    report = run_import("board.json", snapshot="nfl-week-5-2024", user=request.user)

The pipeline streams the source through the format's parser and `rows.Normaliser` into a TEMP
staging table (PostgreSQL COPY), then merges it into the target board with one
`INSERT … ON CONFLICT DO UPDATE` (and the deactivation) in one transaction, writing history rows
in the same statements. All-or-nothing unless `skip_invalid`. A large import ends with ANALYZE of
the market table, so the planner's row estimates (and the admin's) follow it at once. On SQLite
the same steps run through the ORM (`portable.PortableWriter`). The management command
`import_props`, the admin's upload and the feed polls all call `run_import`, which records each
import that writes as a `props.ImportRun` (props/import_runs.py).
"""

import functools
import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from tqdm import tqdm

from .. import import_runs
from ..cache import invalidate_boards
from ..choices import Platform
from ..models import MAX_WEEK, Snapshot
from ..services.errors import SnapshotLocked, lock_violation_slug
from ..services.locking import ensure_unlocked
from .base import FeedFormat, FormatError
from .csv import CsvFormat
from .jsonl import JsonLinesFormat
from .oddsapi import OddsApiFormat
from .portable import PortableWriter
from .postgres import DuplicateKeys, PostgresWriter
from .prizepicks import PrizePicksFormat
from .report import ImportFailed, ImportReport, RowError
from .rows import Defaults, InvalidRow, MissingOptions, Normaliser, SkippedLeague, league_option
from .sources import open_source, sniff
from .sportsbook_csv import SportsbookCsvFormat
from .underdog import UnderdogFormat

# Detection tries the feeds' own shapes before our generic CSV / JSON lines.
FORMATS: dict[str, FeedFormat] = {
    feed.name: feed
    for feed in (
        PrizePicksFormat(),
        UnderdogFormat(),
        OddsApiFormat(),
        SportsbookCsvFormat(),
        JsonLinesFormat(),
        CsvFormat(),
    )
}
MAX_LISTED_ERRORS = 20
# Rows created, updated or deactivated from which an import ANALYZEs the market table
# (autovacuum's own threshold, 10% of the table, lags far behind a million-row load).
ANALYZE_AFTER_ROWS = 10_000

__all__ = [
    "FORMATS",
    "ImportFailed",
    "ImportReport",
    "RowError",
    "run_import",
]


class _DryRunRollback(Exception):
    pass


def run_import(
    source,
    *,
    format=None,
    snapshot=None,
    create_snapshot=False,
    platform=None,
    league=None,
    week=None,
    season=None,
    dry_run=False,
    deactivate_missing=False,
    skip_invalid=False,
    user=None,
    source_name=None,
    progress=False,
    run=None,
    feed_source=None,
    origin=None,
) -> ImportReport:
    """Import a feed into the live board or the snapshot whose slug is `snapshot`.

    `source` is a path, "-" (stdin) or a binary file object. Without `format` it is guessed
    from the content (and `report.format_guessed` says so). `platform`, `league`, `week`,
    `season` fill in what a feed lacks; `league` also keeps only that league's rows.
    Leagues the product does not model are skipped and counted, not rejected.

    Raises ImportFailed (carrying the report) when nothing could be written: a bad file, or bad
    rows without `skip_invalid`; SnapshotLocked for a locked target. A dry run does the whole
    import and rolls it back, so its counts are the real ones.

    Every import but a dry run is recorded as an ImportRun: `run` (one queued earlier) or a new
    one, with `feed_source`, `origin` and `user`; it ends succeeded with the counts, or failed
    with the error (re-raised).
    """
    options = {
        "format": format,
        "snapshot": snapshot,
        "create_snapshot": create_snapshot,
        "platform": platform,
        "league": league,
        "week": week,
        "season": season,
        "dry_run": dry_run,
        "deactivate_missing": deactivate_missing,
        "skip_invalid": skip_invalid,
        "user": user,
        "source_name": source_name,
        "progress": progress,
    }
    if dry_run:
        return _import(source, **options)
    recorded = import_runs.start_run(
        run,
        source_name=source_name or _display_name(source),
        user=user,
        feed_source=feed_source,
        origin=origin,
    )
    try:
        report = _import(source, **options)
    except BaseException as exc:
        import_runs.fail_run(recorded, exc, getattr(exc, "report", None))
        raise
    import_runs.finish_run(recorded, report)
    report.run = recorded
    return report


def _display_name(source):
    if source == "-":
        return "stdin"
    if isinstance(source, (str, Path)):
        return Path(source).name
    return Path(getattr(source, "name", "") or "upload").name


def _import(
    source,
    *,
    format,
    snapshot,
    create_snapshot,
    platform,
    league,
    week,
    season,
    dry_run,
    deactivate_missing,
    skip_invalid,
    user,
    source_name,
    progress,
):
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run, snapshot=snapshot or "")
    defaults = _defaults(platform, league, week, season, snapshot, report)
    try:
        with open_source(source) as (stream, name, _size):
            report.source_name = source_name or name
            feed, stream = _choose_format(stream, format, report)
            records = feed.records(stream)
            if progress and sys.stderr.isatty():
                records = tqdm(records, unit=" rows", desc=report.source_name, leave=False)
            _write(
                records,
                defaults,
                report,
                snapshot,
                create_snapshot,
                deactivate_missing,
                skip_invalid,
                user,
            )
    except _DryRunRollback:
        pass
    except FormatError as exc:
        raise ImportFailed(str(exc), report) from None
    finally:
        report.seconds = time.perf_counter() - started
    return report


def _defaults(platform, league, week, season, snapshot, report):
    try:
        league = league_option(league) if league else None
    except ValueError as exc:
        raise ImportFailed(str(exc), report) from None
    if platform and platform not in Platform.values:
        raise ImportFailed(
            f"--platform {platform!r}: known platforms are {', '.join(Platform.values)}.", report
        )
    if week is not None and not 0 <= int(week) <= MAX_WEEK:
        raise ImportFailed(f"--week {week}: must be between 0 and {MAX_WEEK}.", report)
    if season is not None and not 1900 <= int(season) <= 2100:
        raise ImportFailed(f"--season {season}: must be between 1900 and 2100.", report)
    return Defaults(
        platform=platform,
        league=league,
        week=None if week is None else int(week),
        season=None if season is None else int(season),
        snapshot=snapshot or None,
    )


def _choose_format(stream, name, report):
    head, stream = sniff(stream)
    if not head.strip():
        raise FormatError("The file is empty.")
    if name:
        if name not in FORMATS:
            raise FormatError(f"Unknown format {name!r}; known: {', '.join(FORMATS)}.")
        feed = FORMATS[name]
    else:
        feed = next((feed for feed in FORMATS.values() if feed.detect(head)), None)  # type: ignore[assignment]
        if feed is None:
            raise FormatError(
                "Cannot tell the file's format from its content; give --format "
                f"({', '.join(FORMATS)})."
            )
        report.format_guessed = True
    report.format = feed.name
    return feed, stream


def _staged_rows(records, normaliser, report):
    for location, record in records:
        if isinstance(record, RowError):
            report.rejected.append(record)
            continue
        try:
            row = normaliser.row(location, record)
            report.platforms[row[1]] += 1
            yield row
        except MissingOptions as exc:
            report.missing_options.update(exc.options)
            report.rejected.append(RowError(location, exc.field, exc.reason))
        except InvalidRow as exc:
            report.rejected.append(RowError(location, exc.field, exc.reason))
        except SkippedLeague as exc:
            counter = report.unsupported_leagues if exc.unsupported else report.other_leagues
            counter[exc.league] += 1


def _write(
    records, defaults, report, slug, create_snapshot, deactivate_missing, skip_invalid, user
):
    writer_class = PostgresWriter if connection.vendor == "postgresql" else PortableWriter
    writer = writer_class(connection)
    reason = f"import {report.source_name}"[:100]
    user_pk = getattr(user, "pk", None)
    # One timestamp for the whole import (created_at, updated_at, history_date), taken here
    # rather than the database's now(), which is frozen at the start of an outer transaction.
    now = timezone.now()
    try:
        with transaction.atomic():
            target = _existing_snapshot(slug, create_snapshot, report)
            staged = writer.stage(_staged_rows(records, Normaliser(defaults, report), report))
            if report.missing_options and not skip_invalid:
                raise ImportFailed(report.missing_options_message(), report)
            # Looked for whatever the board holds: the upsert alone would let a key that is
            # already on the board pass twice, the last row winning.
            _reject_duplicates(writer, report)
            if report.rejected and not skip_invalid:
                raise ImportFailed(_rejected_message(report), report)
            if not staged:
                raise ImportFailed(_nothing_message(report), report)
            if slug and target is None:
                target = _create_snapshot(slug, writer, defaults, user, report)
            snapshot_pk = target.pk if target else None
            merge = functools.partial(
                writer.merge, snapshot_pk=snapshot_pk, user_pk=user_pk, reason=reason, now=now
            )
            try:
                report.created, report.updated = merge()
            except DuplicateKeys:  # cannot happen after _reject_duplicates; said plainly if so
                raise ImportFailed("The file holds a key twice.", report) from None
            report.unchanged = staged - report.duplicates - report.created - report.updated
            pairs = [(league, week) for league, week, _ in writer.league_weeks()]
            if deactivate_missing:
                report.deactivated, gone = writer.deactivate_missing(
                    snapshot_pk=snapshot_pk, user_pk=user_pk, reason=reason, now=now
                )
                pairs += gone
            writer.drop()
            invalidate_boards(pairs)
            if report.dry_run:
                raise _DryRunRollback
            if report.created + report.updated + report.deactivated >= ANALYZE_AFTER_ROWS:
                transaction.on_commit(writer.analyze)  # type: ignore[union-attr]
    except IntegrityError as exc:
        locked = lock_violation_slug(exc)
        if locked:
            raise SnapshotLocked(locked) from None
        raise ImportFailed(f"The database refused the import: {exc}", report) from None


def _existing_snapshot(slug, create_snapshot, report):
    """The target snapshot, locked against a concurrent lock_snapshot; None for the live board
    or a snapshot still to be created."""
    if not slug:
        return None
    target = Snapshot.objects.filter(snapshot_id=slug).first()
    if target is None:
        if not create_snapshot:
            raise ImportFailed(
                f"Snapshot '{slug}' does not exist; create it with --create-snapshot.", report
            )
        return None
    ensure_unlocked(target)
    return target


def _create_snapshot(slug, writer, defaults, user, report):
    league, week, _ = writer.league_weeks()[0]
    snapshot = Snapshot(
        snapshot_id=slug,
        league=defaults.league or league,
        week=defaults.week if defaults.week is not None else week,
        season=defaults.season,
        description="Created by an import.",
    )
    try:
        snapshot.full_clean()
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ImportFailed(f"Cannot create snapshot '{slug}': {problems}", report) from None
    snapshot._history_user = user  # type: ignore[attr-defined]
    snapshot.save()
    return snapshot


def _reject_duplicates(writer, report):
    for platform, external_id, locations in writer.duplicates():
        for location in locations[1:]:
            report.rejected.append(
                RowError(
                    location,
                    "external_id",
                    f"duplicate of {locations[0]} ({platform} {external_id}).",
                )
            )
            report.duplicates += 1
    if report.duplicates:
        writer.drop_later_duplicates()


def _rejected_message(report):
    groups = report.rejection_groups()
    shown = "\n".join(f"  {group}" for group in groups[:MAX_LISTED_ERRORS])
    more = len(groups) - MAX_LISTED_ERRORS
    tail = f"\n  … and {more} more kinds (write every row with --errors FILE)" if more > 0 else ""
    return (
        f"{len(report.rejected)} invalid row(s); nothing was written "
        f"(use --skip-invalid to import the valid rows):\n{shown}{tail}"
    )


def _nothing_message(report):
    if report.skipped:
        return "No rows to import: every row is of a league left out. " + "; ".join(
            report.details()[4:]
        )
    if report.rejected:
        return f"No valid rows to import: all {len(report.rejected)} were rejected."
    return "No rows to import: the file has no markets."

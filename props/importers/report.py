"""What an import did: counts, rejected rows with their reasons, and the one-line summary."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from os import PathLike

from ..services import DomainError

# Options a feed may need, and how the admin's upload form names them.
OPTION_LABELS = {"platform": "Platform", "league": "League", "week": "Week"}
# Rows named per group of rejections (the --errors file has them all).
ROWS_PER_GROUP = 5


@dataclass(frozen=True)
class RowError:
    """One rejected row: where (a line number or a JSON path), which field, and why."""

    location: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class RejectionGroup:
    """Rejected rows sharing a field and a reason: how many, and the first of them."""

    field: str
    reason: str
    count: int
    first_locations: tuple[str, ...]

    def __str__(self) -> str:
        if self.count == 1:
            return f"{self.first_locations[0]}: {self.field}: {self.reason}"
        more = ", …" if self.count > len(self.first_locations) else ""
        return (
            f"{self.field}: {self.reason} ({self.count:,} rows: "
            f"{', '.join(self.first_locations)}{more})"
        )


@dataclass
class ImportReport:
    format: str = ""
    format_guessed: bool = False
    source_name: str = ""
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: list[RowError] = field(default_factory=list)
    duplicates: int = 0
    # Feed stats the catalogue does not know, "<league> <stat>" -> rows; kept as given.
    unknown_stats: Counter[str] = field(default_factory=Counter)
    # Leagues the product does not model (CBB, esports, NBA1H …) -> rows skipped.
    unsupported_leagues: Counter[str] = field(default_factory=Counter)
    # Rows of other modelled leagues left out by a --league filter -> rows skipped.
    other_leagues: Counter[str] = field(default_factory=Counter)
    week_sources: set[str] = field(default_factory=set)
    season_sources: set[str] = field(default_factory=set)
    # Rows per board slug ("" = live) as the file names them, or as --snapshot overrides.
    boards: Counter[str] = field(default_factory=Counter)
    # Options the file's rows need and were not given -> rows lacking each.
    missing_options: Counter[str] = field(default_factory=Counter)
    # Valid rows per platform (what ImportRun.platforms records).
    platforms: Counter[str] = field(default_factory=Counter)
    snapshot: str = ""
    seconds: float = 0.0
    # The props.ImportRun recording this import (None for a dry run).
    run: object = None

    @property
    def rows(self) -> int:
        """Rows written or compared: created + updated + unchanged."""
        return self.created + self.updated + self.unchanged

    @property
    def skipped(self) -> int:
        return sum(self.unsupported_leagues.values()) + sum(self.other_leagues.values())

    @property
    def week_source(self) -> str:
        """Where the weeks came from: "file", "command line", "game date" (or several)."""
        return _sources(self.week_sources)

    @property
    def season_source(self) -> str:
        """Where the seasons came from: "file", "command line", "game date", "none" (several)."""
        return _sources(self.season_sources)

    @property
    def board_description(self) -> str:
        if self.snapshot:
            return f"snapshot {self.snapshot}"
        if set(self.boards) <= {""}:
            return "live"
        named = ", ".join(
            f"{slug or 'live'} ({count:,})" for slug, count in sorted(self.boards.items())
        )
        return f"as the file names them: {named}"

    def rejection_groups(self) -> list[RejectionGroup]:
        """The rejected rows grouped by (field, reason), in the order first met."""
        groups: dict[tuple[str, str], list[str]] = {}
        for error in self.rejected:
            groups.setdefault((error.field, error.reason), []).append(error.location)
        return [
            RejectionGroup(fld, reason, len(found), tuple(found[:ROWS_PER_GROUP]))
            for (fld, reason), found in groups.items()
        ]

    def missing_options_message(self, *, form: bool = False) -> str:
        """One line naming every option the file needs, as the command's flags or (`form`) as
        the admin upload form's fields."""
        names = [
            f"the {OPTION_LABELS[name]} field" if form else f"--{name}"
            for name in self.missing_options
        ]
        counts = "; ".join(
            f"{count:,} rows name no {name}" for name, count in self.missing_options.items()
        )
        return f"Give {' and '.join(names)}: the file does not say ({counts})."

    @property
    def rows_per_second(self) -> float:
        handled = self.rows + len(self.rejected) + self.skipped
        return handled / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        prefix = "Dry run, nothing written: " if self.dry_run else ""
        text = (
            f"{prefix}{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated, {len(self.rejected)} rejected"
        )
        if self.skipped:
            text += f", {self.skipped} skipped (other leagues)"
        return text + f" in {self.seconds:.2f}s ({self.rows_per_second:,.0f} rows/s)"

    def details(self) -> list[str]:
        """Lines that explain the summary: format, target board, week source, leagues, stats."""
        guessed = " (guessed from the content)" if self.format_guessed else ""
        lines = [
            f"Format: {self.format}{guessed}",
            f"Board: {self.board_description}",
            f"Week from: {self.week_source}",
            f"Season from: {self.season_source}",
        ]
        if self.unsupported_leagues:
            lines.append("Skipped, league not modelled: " + _counts(self.unsupported_leagues))
        if self.other_leagues:
            lines.append("Skipped, other league than --league: " + _counts(self.other_leagues))
        if self.unknown_stats:
            lines.append(
                "Stats not in the catalogue (kept as given): " + _counts(self.unknown_stats)
            )
        return lines

    def write_errors(self, path: str | PathLike[str]) -> None:
        """Write the rejected rows as CSV (location, field, reason)."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["location", "field", "reason"])
            writer.writerows((e.location, e.field, e.reason) for e in self.rejected)


def _sources(found: set[str]) -> str:
    order = ["file", "command line", "game date", "none"]
    return " and ".join(source for source in order if source in found) or "none"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.most_common())


class ImportFailed(DomainError):
    """The import wrote nothing; `report` says why (and `report.rejected` names the rows)."""

    def __init__(self, message: str, report: "ImportReport | None" = None) -> None:
        self.report = report if report is not None else ImportReport()
        super().__init__(message)

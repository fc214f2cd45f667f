"""What an import did: counts, rejected rows with their reasons, and the one-line summary."""

import csv
from collections import Counter
from dataclasses import dataclass, field

from ..services.errors import DomainError


@dataclass(frozen=True)
class RowError:
    """One rejected row: where (a line number or a JSON path), which field, and why."""

    location: str
    field: str
    reason: str

    def __str__(self):
        return f"{self.location}: {self.field}: {self.reason}"


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
    unknown_stats: Counter = field(default_factory=Counter)
    # Leagues the product does not model (CBB, esports, NBA1H …) -> rows skipped.
    unsupported_leagues: Counter = field(default_factory=Counter)
    # Rows of other modelled leagues left out by a --league filter -> rows skipped.
    other_leagues: Counter = field(default_factory=Counter)
    week_sources: set = field(default_factory=set)
    snapshot: str = ""
    seconds: float = 0.0

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
        order = ["file", "command line", "game date"]
        return " and ".join(source for source in order if source in self.week_sources) or "none"

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
            f"Board: {f'snapshot {self.snapshot}' if self.snapshot else 'live'}",
            f"Week from: {self.week_source}",
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

    def write_errors(self, path):
        """Write the rejected rows as CSV (location, field, reason)."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["location", "field", "reason"])
            writer.writerows((e.location, e.field, e.reason) for e in self.rejected)


def _counts(counter) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counter.most_common())


class ImportFailed(DomainError):
    """The import wrote nothing; `report` says why (and `report.rejected` names the rows)."""

    def __init__(self, message, report=None):
        self.report = report if report is not None else ImportReport()
        super().__init__(message)

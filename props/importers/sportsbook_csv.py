"""Sportsbook CSV: The Odds API's player props flattened to
`Bookmaker,Player,Stat Type,Over/Under,Odds,Line` with American odds, one row per Over and per
Under. The Over and Under rows of a line (adjacent, in either order, as the flattening writes
them) become one market: odds = the Over price, the Under price kept in extra_metadata. The
file names neither league, week nor game, so those come from the command line.

Books list alternate lines for one player and stat, so the line is part of the natural key:
each rung is its own market, and a rung a book pulls disappears with --deactivate-missing.
"""

from collections.abc import Iterator
from typing import IO, Any

from .base import FeedFormat, csv_records
from .report import RowError

REQUIRED = ("Bookmaker", "Player", "Stat Type", "Over/Under", "Odds", "Line")
SIDES = {"over", "under"}


class SportsbookCsvFormat(FeedFormat):
    name = "sportsbook-csv"
    description = "Sportsbook CSV (The Odds API flattened, American odds)"

    def detect(self, head: str) -> bool:
        first_line = head.lstrip("\ufeff").split("\n", 1)[0]
        return all(column in first_line for column in REQUIRED)

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        pending = None  # (location, side, row) waiting for the other side of its line
        for location, row in csv_records(stream, REQUIRED, name="sportsbook CSV"):
            if isinstance(row, RowError):
                yield location, row
                continue
            side = row["Over/Under"].strip().lower()
            if side not in SIDES:
                yield location, RowError(location, "Over/Under", f"{side!r} is not Over or Under.")
                continue
            if pending is not None:
                if side != pending[1] and _same_line(pending[2], row):
                    yield pending[0], _record(**{pending[1]: pending[2], side: row})
                    pending = None
                    continue
                yield pending[0], _record(**{pending[1]: pending[2]})
            pending = (location, side, row)
        if pending is not None:
            yield pending[0], _record(**{pending[1]: pending[2]})


def _same_line(over: dict[str, str], under: dict[str, str]) -> bool:
    return all(
        over[key].strip() == under[key].strip()
        for key in ("Bookmaker", "Player", "Stat Type", "Line")
    )


def _record(*, over: Any = None, under: Any = None) -> dict[str, Any]:
    row = over or under
    metadata = {"over_price_american": _price(over), "under_price_american": _price(under)}
    return {
        "platform": row["Bookmaker"].strip(),
        "player_name": row["Player"],
        "stat": row["Stat Type"],
        "line": row["Line"],
        "american_odds": over["Odds"].strip() if over else None,
        "key_includes_line": True,
        "extra_metadata": metadata,
    }


def _price(row: dict[str, str] | None) -> int | str | None:
    if row is None:
        return None
    try:
        return int(row["Odds"])
    except ValueError:
        return row["Odds"]

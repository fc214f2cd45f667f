"""Our own CSV format, the one `export_props` writes: one market per row, columns named as the
model's fields plus `snapshot`, the slug of the row's board (empty: the live board), so that any
export imports back to the boards it came from (see docs/imports.md). Streamed row by row.

Text cells that a spreadsheet would run as a formula (OWASP's rule: starting with = + - @ tab or
carriage return) are written with a leading `'`, and read back without it; numbers are never
escaped. `escape_formula` and `unescape_formula` are the one pair of rules both sides use."""

from collections.abc import Iterator
from typing import IO, Any

import orjson

from .base import FeedFormat, csv_records
from .report import RowError
from .rows import COLUMNS as STAGED_MARKET_COLUMNS

# The staged columns but `sport`, which follows from the league, then the board's slug.
COLUMNS = (*(column for column in STAGED_MARKET_COLUMNS if column != "sport"), "snapshot")
REQUIRED = ("platform", "league", "player_name", "market_type", "line")
# The columns of free text, the only ones escaped against formula injection.
TEXT_COLUMNS = (
    "platform",
    "external_id",
    "league",
    "player_id",
    "player_name",
    "position",
    "team",
    "opponent",
    "market_type",
    "stat_category",
    "game_id",
    "snapshot",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet would run it. A text that already starts
    with quotes before such a character gets one more, so `unescape_formula` gives it back."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unescape_formula(text: str) -> str:
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


class CsvFormat(FeedFormat):
    name = "csv"
    description = "BetterBros CSV (the export format)"

    def detect(self, head: str) -> bool:
        first_line = head.lstrip("\ufeff").split("\n", 1)[0]
        return all(column in first_line for column in REQUIRED)

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        for location, record in csv_records(stream, REQUIRED, name="BetterBros CSV"):
            if isinstance(record, RowError):
                yield location, record
                continue
            for column in TEXT_COLUMNS:
                value = record.get(column)
                if value and value[0] == "'":
                    record[column] = unescape_formula(value)
            record["stat"] = record.pop("market_type")
            metadata = record.get("extra_metadata")
            if metadata:
                try:
                    record["extra_metadata"] = orjson.loads(metadata)
                except orjson.JSONDecodeError:
                    yield location, RowError(location, "extra_metadata", "is not valid JSON.")
                    continue
            yield location, record

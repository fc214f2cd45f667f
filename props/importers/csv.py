"""Our own CSV format, the one `export_props` writes: one market per row, columns named as the
model's fields (see the README). Streamed row by row."""

import orjson

from .base import FeedFormat, csv_records
from .report import RowError
from .rows import COLUMNS as STAGED_MARKET_COLUMNS

# The staged columns but `sport`, which follows from the league.
COLUMNS = tuple(column for column in STAGED_MARKET_COLUMNS if column != "sport")
REQUIRED = ("platform", "league", "player_name", "market_type", "line")


class CsvFormat(FeedFormat):
    name = "csv"
    description = "BetterBros CSV (the export format)"

    def detect(self, head):
        first_line = head.lstrip("\ufeff").split("\n", 1)[0]
        return all(column in first_line for column in REQUIRED)

    def records(self, stream):
        for location, record in csv_records(stream, REQUIRED, name="BetterBros CSV"):
            if isinstance(record, RowError):
                yield location, record
                continue
            record["stat"] = record.pop("market_type")
            metadata = record.get("extra_metadata")
            if metadata:
                try:
                    record["extra_metadata"] = orjson.loads(metadata)
                except orjson.JSONDecodeError:
                    yield location, RowError(location, "extra_metadata", "is not valid JSON.")
                    continue
            yield location, record

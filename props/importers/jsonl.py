"""Our own JSON-lines format, the one `export_props --format jsonl` writes: one JSON object per
line with the CSV format's keys (extra_metadata an object). Streamed line by line."""

from collections.abc import Iterator
from typing import IO, Any

import orjson

from .base import FeedFormat, FormatError
from .csv import REQUIRED
from .report import RowError


class JsonLinesFormat(FeedFormat):
    name = "jsonl"
    description = "BetterBros JSON lines (the export format)"

    def detect(self, head: str) -> bool:
        first_line = head.lstrip("\ufeff \r\n\t").split("\n", 1)[0]
        try:
            record = orjson.loads(first_line)
        except orjson.JSONDecodeError:
            return False
        return isinstance(record, dict) and "player_name" in record

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        seen_any = False
        for number, raw in enumerate(stream, start=1):
            location = f"line {number}"
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                if not seen_any:
                    raise FormatError(
                        f"Not a JSON-lines file: line 1 is not JSON ({exc})."
                    ) from None
                yield location, RowError(location, "line", f"is not valid JSON ({exc}).")
                continue
            seen_any = True
            if not isinstance(record, dict):
                yield location, RowError(location, "line", "is not a JSON object.")
                continue
            missing = [key for key in REQUIRED if key not in record]
            if missing:
                yield location, RowError(location, missing[0], "required, missing.")
                continue
            record["stat"] = record.pop("market_type")
            yield location, record
        if not seen_any:
            raise FormatError("The file is empty.")

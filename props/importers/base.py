"""The interface every feed format implements, and the readers formats share.

A format is one module with one `FeedFormat` subclass: `detect` recognises it from the start of
a file, `records` reads a binary stream into `(location, record)` pairs, where the record is a
dict of the keys `rows.Normaliser` knows, or a `RowError` when the feed's row itself is broken.
A problem with the whole file (not JSON, wrong format, empty) raises `FormatError`.
"""

import csv
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from .report import RowError


class FormatError(ValueError):
    """The file as a whole cannot be read as this format; the message says why."""


class FeedFormat(ABC):
    name = ""
    description = ""

    @abstractmethod
    def detect(self, head: str) -> bool:
        """Whether a file that starts with `head` (its first kilobytes, as text) is this format."""

    @abstractmethod
    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        """(location, record or RowError) for each market of the binary `stream`."""


def load_json_document(stream: IO[bytes], what: str) -> Any:
    """A whole JSON document (an API response of a few megabytes) with clear errors."""
    data = stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise FormatError("The file is empty.")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"The file is not valid JSON ({exc}); expected {what}.") from None


def csv_records(
    stream: IO[bytes], required: Iterable[str], *, name: str
) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
    """Stream a CSV file as ("line N", {header: value}) with its header checked for `required`."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise FormatError("The file is empty.")
        header = [column.strip() for column in header]
        missing = [column for column in required if column not in header]
        if missing:
            raise FormatError(
                f"Not a {name} file: the header lacks {', '.join(missing)} "
                f"(found {', '.join(header[:12]) or 'nothing'})."
            )
        width = len(header)
        for row in reader:
            location = f"line {reader.line_num}"
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue
                yield (
                    location,
                    RowError(location, "row", f"expected {width} fields, found {len(row)}."),
                )
                continue
            yield location, dict(zip(header, row, strict=True))
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"The file is not UTF-8 text ({exc.reason} at byte {exc.start})."
        ) from None
    except csv.Error as exc:
        raise FormatError(
            f"The file is not readable CSV near line {reader.line_num}: {exc}."
        ) from None
    finally:
        text.detach()

"""Writers of our CSV and JSON-lines formats (the columns of `props.importers.csv`), shared by
the `export_props` command and the admin's CSV export; `import_props` reads both back.

Exports stream: `export_rows` reads the queryset through a server-side cursor in chunks, and the
writers turn each chunk of rows into one piece of text, so neither the command nor the admin's
streamed response ever holds the whole file."""

import csv

import orjson

from props.importers.csv import COLUMNS, TEXT_COLUMNS, escape_formula

CHUNK = 5000
ROWS_PER_PIECE = 1000
# The queryset fields of COLUMNS: the board is written as its snapshot's slug.
FIELDS = tuple("snapshot__snapshot_id" if name == "snapshot" else name for name in COLUMNS)
ORDER = ("league", "week", "platform", "external_id")
_TEXT = frozenset(TEXT_COLUMNS)


def export_rows(queryset):
    """The markets of `queryset` as tuples of COLUMNS values, streamed in chunks."""
    return queryset.order_by(*ORDER).values_list(*FIELDS).iterator(chunk_size=CHUNK)


class _Line:
    """A file-like object whose write() gives back what it was given (csv.writer's target)."""

    def write(self, text):
        return text


def csv_pieces(markets):
    """The CSV text, header first, in pieces of ROWS_PER_PIECE rows."""
    # CRLF line ends (RFC 4180): with them the csv module also quotes a cell holding a lone
    # carriage return, which it leaves bare when lines end in LF alone.
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    piece = []
    for values in markets:
        piece.append(
            writer.writerow(
                [_csv_value(name, value) for name, value in zip(COLUMNS, values, strict=True)]
            )
        )
        if len(piece) == ROWS_PER_PIECE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def _csv_value(name, value):
    if value is None:
        return ""
    if name in _TEXT:
        return escape_formula(value) if value else value
    if name == "extra_metadata":
        return orjson.dumps(value).decode()
    if name == "is_active":
        return "true" if value else "false"
    if name == "game_date":
        return value.isoformat()
    return value


def jsonl_pieces(markets):
    """One JSON object per line (the board's slug "" for the live board), in pieces."""
    piece = []
    for values in markets:
        record = dict(zip(COLUMNS, values, strict=True))
        record["snapshot"] = record["snapshot"] or ""
        piece.append(orjson.dumps(record).decode() + "\n")
        if len(piece) == ROWS_PER_PIECE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def _writing(pieces):
    def write(markets, handle) -> int:
        """Write the markets to a text handle; return how many."""
        count = 0

        def counted():
            nonlocal count
            for values in markets:
                count += 1
                yield values

        for piece in pieces(counted()):
            handle.write(piece)
        return count

    return write


write_csv = _writing(csv_pieces)
write_jsonl = _writing(jsonl_pieces)
WRITERS = {"csv": write_csv, "jsonl": write_jsonl}
PIECES = {"csv": csv_pieces, "jsonl": jsonl_pieces}

__all__ = [
    "COLUMNS",
    "PIECES",
    "WRITERS",
    "csv_pieces",
    "export_rows",
    "jsonl_pieces",
    "write_csv",
    "write_jsonl",
]

"""Writers of our CSV and JSON-lines formats (the columns of `props.importers.csv`), shared by
the `export_props` command and the admin's CSV export; `import_props` reads both back."""

import csv

import orjson

from props.importers.csv import COLUMNS


def write_csv(markets, handle) -> int:
    """Write rows of COLUMNS values as CSV with a header; return how many."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for values in markets:
        writer.writerow(
            [_csv_value(name, value) for name, value in zip(COLUMNS, values, strict=True)]
        )
        count += 1
    return count


def _csv_value(name, value):
    if value is None:
        return ""
    if name == "extra_metadata":
        return orjson.dumps(value).decode()
    if name == "is_active":
        return "true" if value else "false"
    if name == "game_date":
        return value.isoformat()
    return value


def write_jsonl(markets, handle) -> int:
    """Write rows of COLUMNS values as one JSON object per line; return how many."""
    count = 0
    for values in markets:
        handle.write(orjson.dumps(dict(zip(COLUMNS, values, strict=True))).decode() + "\n")
        count += 1
    return count


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}

__all__ = ["COLUMNS", "WRITERS", "write_csv", "write_jsonl"]

"""What migration 0012 (each history row's previous version, filled by an insert trigger) costs
the importer: `import_props` of a 100,000-row CSV into a database migrated to 0011 ("before")
and one migrated to 0012 ("after"), alternating, in the same run. Each round empties both,
then times the import that creates the 100,000 markets and a second that moves every line
(100,000 updates, each history row's trigger finding the previous version).

    .venv/bin/python bench/import_history_trigger.py [--rows 100000] [--rounds 3]

Databases: bb_movers_import_before / bb_movers_import_after (BENCH_DATABASE_PREFIX). The CSV is
bench/import/run.py's (bench/data/, git-ignored). Results: bench/results/import-trigger-*.json.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench" / "import"))

import run as import_bench  # noqa: E402  (bench/import/run.py: its CSV and psql helper)

PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bb_movers_import")
SCHEMAS = {"before": "0011_background_jobs", "after": "0012_history_previous_version"}


def manage(database, *args):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DEBUG": "true",
        "DJANGO_READ_DOT_ENV_FILE": "false",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True
    )


def rewritten(source, target, shift):
    """`source` with every line `shift` higher, each row filled to the importer's columns
    (bench/import/run.py's generator leaves out the trailing `snapshot`)."""
    with source.open() as given, target.open("w", newline="") as moved:
        writer = csv.writer(moved, lineterminator="\n")
        rows = csv.reader(given)
        header = next(rows)
        writer.writerow(import_bench.COLUMNS)
        line = header.index("line")
        for row in rows:
            row[line] = str(float(row[line]) + shift)
            writer.writerow(row + [""] * (len(import_bench.COLUMNS) - len(row)))


def prepare(database, migration):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database])
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage(database, "migrate", "--no-input", "-v", "0")
    manage(database, "migrate", "props", migration, "--no-input", "-v", "0")


def timed_import(database, path):
    started = time.perf_counter()
    manage(database, "import_props", str(path))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    generated = REPO / "bench" / "data" / f"import-{options.rows}.csv"
    if not generated.exists():
        import_bench.generate(generated, options.rows)
    created = generated.with_name(f"import-{options.rows}-created.csv")
    updated = generated.with_name(f"import-{options.rows}-moved.csv")
    rewritten(generated, created, 0)
    rewritten(generated, updated, 0.5)
    databases = {name: f"{PREFIX}_{name}" for name in SCHEMAS}
    for name, migration in SCHEMAS.items():
        prepare(databases[name], migration)
    times = {f"{name}, {step}": [] for name in SCHEMAS for step in ("create", "update")}
    loads = []
    for _ in range(options.rounds):
        for name, database in databases.items():
            import_bench.psql("TRUNCATE prop_markets, prop_markets_history", database)
            import_bench.psql("VACUUM ANALYZE prop_markets", database)
            import_bench.psql("CHECKPOINT", database)
            loads.append(os.getloadavg()[0])
            times[f"{name}, create"].append(timed_import(database, created))
            times[f"{name}, update"].append(timed_import(database, updated))
    print(f"import_props of {options.rows:,} rows, {options.rounds} rounds alternating")
    print(f"load average (1 min) at the rounds: {min(loads):.1f} to {max(loads):.1f}")
    summary = {}
    for scenario, values in times.items():
        summary[scenario] = round(statistics.median(values), 2)
        runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"{scenario:18} median {summary[scenario]:6.1f} s  ({runs})")
    for step in ("create", "update"):
        ratio = summary[f"after, {step}"] / summary[f"before, {step}"]
        print(f"{step}: after / before = {ratio:.2f}x")
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"import-trigger-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"rows": options.rows, "times": times, "loads": loads}, indent=2))
    print(f"results: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()

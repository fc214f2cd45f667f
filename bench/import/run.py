"""Import benchmark: `import_props` of a 1,000,000-row CSV against `psql \\copy` of the same
file into the same table (same indexes, constraints and lock trigger), on the same machine.

    .venv/bin/python bench/import/run.py [--rows 1000000] [--pairs 3]

Generates the CSV once (bench/data/, git-ignored), creates and migrates a scratch database
(BENCH_DATABASE, default bb_import_bench), then alternates A (\\copy) and B (import_props)
runs, each into emptied tables, and prints the medians, the ratio B/A and the machine, as a
Markdown block for BENCHMARKS.md; the raw timings go to bench/results/import-<time>.json.
"""

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")
os.environ.setdefault("DEBUG", "true")
django.setup()

from props import catalogue  # noqa: E402
from props.importers.csv import COLUMNS  # noqa: E402  (the export/import CSV columns)

PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
DATABASE = os.environ.get("BENCH_DATABASE", "bb_import_bench")
DATABASE_URL = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DATABASE}"
MARKETS = {
    "NFL": ["passing_yards", "rushing_yards", "receiving_yards", "receptions", "passing_tds"],
    "NBA": ["points", "rebounds", "assists", "points_rebounds_assists", "threes_made"],
}
PLATFORMS = ["prizepicks", "underdog", "draftkings", "fanduel"]
# \copy cannot compute the columns the importer computes, so the scratch table gets defaults
# for them; defaults change neither indexes nor constraints, and the importer sets every one.
COPY_DEFAULTS = [
    "ALTER TABLE prop_markets ALTER COLUMN id SET DEFAULT gen_random_uuid()",
    "ALTER TABLE prop_markets ALTER COLUMN sport SET DEFAULT ''",
    "ALTER TABLE prop_markets ALTER COLUMN created_at SET DEFAULT now()",
    "ALTER TABLE prop_markets ALTER COLUMN updated_at SET DEFAULT now()",
]


def psql(command, database=DATABASE):
    subprocess.run(
        [
            "psql",
            "-h",
            PG["host"],
            "-p",
            PG["port"],
            "-U",
            PG["user"],
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            command,
        ],
        check=True,
        capture_output=True,
    )


def generate(path, rows):
    rng = random.Random(5)
    kickoff = datetime(2024, 10, 6, 17, 0, tzinfo=UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(rows):
            league = "NFL" if n % 2 else "NBA"
            player = n // 40
            writer.writerow(
                [
                    PLATFORMS[n % 4],
                    f"bench-{n}",
                    league,
                    2024,
                    1 + (n // 20_000) % 18,
                    f"p{player}",
                    f"Player {player:06d}",
                    "QB",
                    "KC",
                    "BUF",
                    MARKETS[league][(n // 4) % 5],
                    catalogue.market_type(league, MARKETS[league][(n // 4) % 5]).stat_category,
                    0.5 + rng.randrange(0, 600) / 2,
                    round(rng.uniform(1.5, 2.5), 4),
                    f"game-{player // 20}",
                    (kickoff + timedelta(hours=player % 72)).isoformat(),
                    "true",
                    "{}",
                    "",  # snapshot: the live board
                ]
            )


def prepare_database():
    subprocess.run(
        ["dropdb", "-h", PG["host"], "-U", PG["user"], "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", PG["host"], "-U", PG["user"], DATABASE], check=True)
    manage("migrate", "--no-input", "-v", "0")
    for statement in COPY_DEFAULTS:
        psql(statement)


def manage(*args):
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "true",
        "DJANGO_READ_DOT_ENV_FILE": "false",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def empty_tables():
    psql("TRUNCATE prop_markets, prop_markets_history")
    psql("VACUUM ANALYZE prop_markets")
    psql("CHECKPOINT")


def timed(run):
    empty_tables()
    started = time.perf_counter()
    output = run()
    return time.perf_counter() - started, output


def run_copy(path):
    # The file's board column is a slug; empty (the live board) copies as a NULL snapshot_id.
    columns = ", ".join("snapshot_id" if column == "snapshot" else column for column in COLUMNS)
    return lambda: psql(f"\\copy prop_markets ({columns}) FROM '{path}' WITH (FORMAT csv, HEADER)")


def run_import(path):
    return lambda: manage("import_props", str(path)).stdout.strip().splitlines()[-1]


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    server = subprocess.run(
        ["psql", "-h", PG["host"], "-U", PG["user"], "-d", DATABASE, "-Atc", "SHOW server_version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} vCPU, {memory // 1024 // 1024} GiB RAM; "
        f"PostgreSQL {server} (local, default settings); Python {platform.python_version()}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=3)
    options = parser.parse_args()

    path = REPO / "bench" / "data" / f"import-{options.rows}.csv"
    if not path.exists():
        print(f"Generating {path} …", flush=True)
        generate(path, options.rows)
    prepare_database()

    timings = {"copy": [], "import": []}
    summary = ""
    for pair in range(options.pairs):
        seconds, _ = timed(run_copy(path))
        timings["copy"].append(seconds)
        print(f"A{pair + 1} \\copy        {seconds:7.2f}s", flush=True)
        seconds, summary = timed(run_import(path))
        timings["import"].append(seconds)
        print(f"B{pair + 1} import_props {seconds:7.2f}s  ({summary})", flush=True)

    copy, imported = (statistics.median(timings[k]) for k in ("copy", "import"))
    ratios = [b / a for a, b in zip(timings["copy"], timings["import"], strict=True)]
    result = {
        "rows": options.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "timings": timings,
        "median_copy": round(copy, 2),
        "median_import": round(imported, 2),
        "round_ratios": [round(ratio, 2) for ratio in ratios],
        "median_round_ratio": round(statistics.median(ratios), 2),
        "ratio_of_medians": round(imported / copy, 2),
        "machine": machine(),
        "import_summary": summary,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"import-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2)
    )
    rounds = "\n".join(
        f"| {i + 1} | {a:.1f} s | {b:.1f} s | {b / a:.2f} |"
        for i, (a, b) in enumerate(zip(timings["copy"], timings["import"], strict=True))
    )
    print(
        "\n| round | `\\copy` (A) | `import_props` (B) | B / A |\n|---|---:|---:|---:|\n"
        f"{rounds}\n"
        f"| **median** | **{copy:.1f} s** | **{imported:.1f} s** | "
        f"**{result['median_round_ratio']}** |\n\n"
        f"{options.rows:,} rows ({result['file_mb']} MB); median of the rounds' ratios "
        f"{result['median_round_ratio']}, ratio of the medians {result['ratio_of_medians']} "
        f"(goal ≤ 1.5).\nMachine: {result['machine']}. Measured {result['date']}.\n"
        f"Import summary line: `{summary}`"
    )


if __name__ == "__main__":
    main()

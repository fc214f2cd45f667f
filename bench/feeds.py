"""Feed polling benchmark: poll -> import throughput with 1, 2 and 4 Celery worker processes over
many locally served sources, against a floor measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bb_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/feeds.py [--sources 32] [--rows 2000] [--rounds 2]

Every source serves its own JSON-lines board (distinct keys, `--rows` markets) from one local HTTP
server (tests/feeds/feed_server.py). Each round empties the board and the runs, then:

- floor: the same polls run one after another in this process (`polling.poll_source`, no broker,
  no worker): the work itself;
- celery-N: N worker processes (solo pool; tests/celery_worker.py) on a real Redis broker, every
  source queued at once through `poll_source.delay`, timed until the last run finished.

Figures: sources/s and rows/s per contender, and each as a ratio to the floor of its round; the
load average before and after. The database is migrated first (use a database of its own).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("FEEDS_ALLOW_PRIVATE_ADDRESSES", "true")  # the feeds are served locally

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from props.feeds import polling  # noqa: E402
from props.models import FeedSource, ImportRun  # noqa: E402
from props.tasks.feeds import poll_source  # noqa: E402
from tests.celery_worker import CeleryWorkers, _point_app_at, test_broker_url  # noqa: E402
from tests.feeds.feed_server import FeedServer  # noqa: E402

PLAYERS = 400
STATS = ("points", "rebounds", "assists", "threes", "steals", "blocks")


def board(source_number, rows) -> bytes:
    lines = []
    for i in range(rows):
        record = {
            "platform": "prizepicks",
            "external_id": f"bench-{source_number}-{i}",
            "league": "NBA",
            "season": 2024,
            "week": source_number % 20 + 1,
            "player_name": f"Player {source_number}-{i % PLAYERS}",
            "market_type": STATS[i % len(STATS)],
            "line": 10.5 + i % 30,
            "odds": 1.87,
        }
        lines.append(orjson.dumps(record))
    return b"\n".join(lines) + b"\n"


def reset():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prop_markets, prop_markets_history, import_runs")
    FeedSource.objects.update(etag="", last_modified="", last_polled_at=None, next_poll_at=None)


def finished():
    return ImportRun.objects.filter(status__in=["succeeded", "failed"]).count()


def floor_round(sources):
    reset()
    started = time.perf_counter()
    for source in sources:
        polling.poll_source(source.pk)
    return time.perf_counter() - started


def celery_round(sources, workers):
    reset()
    started = time.perf_counter()
    for source in sources:
        poll_source.delay(source.pk, None)
    CeleryWorkers.wait_for(lambda: finished() >= len(sources), timeout=600, interval=0.05)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=32)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    server = FeedServer.start()
    FeedSource.objects.all().delete()
    sources = [
        FeedSource.objects.create(
            name=f"bench-{n}",
            url=server.route(f"/feed-{n}.jsonl", board(n, args.rows)),
            format="jsonl",
        )
        for n in range(args.sources)
    ]
    failures_before = ImportRun.objects.filter(status="failed").count()
    broker = test_broker_url()
    _point_app_at(broker_url=broker, broker_read_url=broker, broker_write_url=broker,
                  result_backend=broker, task_always_eager=False)  # fmt: skip
    workers = CeleryWorkers(broker)
    counts = [int(n) for n in args.workers.split(",")]
    load_before = os.getloadavg()
    results = {name: [] for name in ["floor", *(f"celery-{n}" for n in counts)]}
    ratios = {name: [] for name in results}
    try:
        started = []
        for count in counts:
            for i in range(len(started), count):
                workers.start(f"bench{i}")
                started.append(f"bench{i}")
        for _ in range(args.rounds):
            floor = floor_round(sources)
            results["floor"].append(floor)
            ratios["floor"].append(1.0)
            for count in counts:
                # Only the first `count` workers consume: the others are paused.
                for index, name in enumerate(started):
                    node = workers._node(name)
                    queue_action = "add_consumer" if index < count else "cancel_consumer"
                    getattr(workers_app(), queue_action)("celery", destination=[node], reply=True)
                seconds = celery_round(sources, count)
                results[f"celery-{count}"].append(seconds)
                ratios[f"celery-{count}"].append(floor / seconds)
            failed = ImportRun.objects.filter(status="failed").count() - failures_before
            if failed:
                print(f"warning: {failed} failed runs", file=sys.stderr)
    finally:
        workers.stop_all()
        server.stop()
    load_after = os.getloadavg()
    total_rows = args.sources * args.rows
    print(f"{args.sources} sources x {args.rows} rows, {args.rounds} rounds; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")  # fmt: skip
    print("| contender | seconds (median) | sources/s | rows/s | x floor (median of rounds) |")
    print("|---|---|---|---|---|")
    for name, times in results.items():
        seconds = statistics.median(times)
        print(f"| {name} | {seconds:.2f} | {args.sources / seconds:.1f} | "
              f"{total_rows / seconds:,.0f} | {statistics.median(ratios[name]):.2f} |")  # fmt: skip


def workers_app():
    from betterbros.celery import app

    return app.control


if __name__ == "__main__":
    main()

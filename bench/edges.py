"""Edges at 1,000,000 markets: median and p95 of `GET /api/v1/prop-markets/edges/` for one
league+week, uncached and cached, against the board list's (`GET /api/v1/prop-markets/?league=NFL
&week=5`) in the same run.

    BENCH_DATABASE=bench_edges: load bench/generate_edges_markets.py's CSV (the board generator's
    rows with each sportsbook market's Under price) with manage.py import_props, VACUUM ANALYZE
    .venv/bin/python bench/edges.py --rounds 40

Requests run in-process (Django's test client, the full middleware and DRF stack, no HTTP
server), each scenario in turn round after round so the machine's noise spreads over all of
them. "Uncached" empties this benchmark's Redis database (5) before the request. Against the
`bench_edges` database (BENCH_DATABASE) and Redis DB 5 (BENCH_REDIS_URL).
Results: bench/results/edges-<time>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile, use_bench_environment  # noqa: E402

BOARD = "league=NFL&week=5"


def environment(args):
    use_bench_environment(args.database, args.redis)


def run(args):
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User

    staff, _ = User.objects.get_or_create(
        email="bench-edges@staff.bench.betterbros.invalid",
        defaults={"is_staff": True, "is_superuser": True},
    )
    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(user=staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prop_markets")
        markets = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM prop_markets WHERE league = 'NFL' AND week = 5 "
            "AND is_active AND snapshot_id IS NULL"
        )
        board_markets = cursor.fetchone()[0]

    def get(path, cached):
        def call():
            if not cached:
                cache.clear()
            started = time.perf_counter()
            response = api.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            return elapsed

        return call

    edges = f"/api/v1/prop-markets/edges/?{BOARD}"
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        body = api.get(edges).json()
    shape = {"queries": len(queries), **body["counts"]}
    print(
        f"edges of NFL week 5: {board_markets:,} live markets -> {shape['results']:,} edges, "
        f"{shape['offers']:,} sportsbook offers, {shape['compare']:,} compare rows; "
        f"{shape['queries']} SQL query"
    )
    scenarios = {
        "board list, uncached": get(f"/api/v1/prop-markets/?{BOARD}", False),
        "board list, cached": get(f"/api/v1/prop-markets/?{BOARD}", True),
        "edges, uncached": get(edges, False),
        "edges, cached": get(edges, True),
        "edges method=shin, uncached": get(edges + "&method=shin", False),
        "edges platform=prizepicks min_edge=0.02, uncached": get(
            edges + "&platform=prizepicks&min_edge=0.02", False
        ),
    }
    if args.only:
        scenarios = {name: call for name, call in scenarios.items() if args.only in name}
    for call in scenarios.values():  # warm-up: plans, connections, the cache
        call()
    times = {name: [] for name in scenarios}
    for _ in range(args.rounds):
        for name, call in scenarios.items():
            times[name].append(call())
    rows = []
    print(f"{markets:,} markets; {args.rounds} rounds")
    print(f"{'scenario':52} {'median':>8} {'p95':>8} {'max':>8}")
    for name, values in times.items():
        row = {
            "scenario": name,
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
        }
        rows.append(row)
        print(f"{name:52} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} {row['max_ms']:8.1f}")
    by_name = {row["scenario"]: row for row in rows}
    for kind in ("uncached", "cached"):
        board = by_name.get(f"board list, {kind}")
        edge = by_name.get(f"edges, {kind}")
        if board and edge:
            ratio = edge["p95_ms"] / board["p95_ms"]
            print(f"edges {kind} p95 / board list {kind} p95: {ratio:.2f}x (goal <= 2x)")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"edges-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(
        json.dumps(
            {"markets": markets, "board_markets": board_markets, "shape": shape, "results": rows},
            indent=2,
        )
    )
    print(f"results: {out.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "bench_edges"))
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    args = parser.parse_args()
    environment(args)
    run(args)


if __name__ == "__main__":
    main()

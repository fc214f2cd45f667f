"""Movers and line history at 1,000,000 markets with ~3,000,000 history rows: median and p95 of
`GET /api/v1/prop-markets/movers/` for one league+week, uncached and cached, against the board
list's (`GET /api/v1/prop-markets/?league=NFL&week=5`) in the same run, plus one market's
history and the admin index dashboard.

    bench/load_data.sh with BENCH_DATABASE=bench_movers, then bench/generate_history.py, then
    .venv/bin/python bench/movers.py --prepare        (once: migrate, ~1M recent moves)
    .venv/bin/python bench/movers.py --rounds 40

Requests run in-process (Django's test client, the full middleware and DRF stack, no HTTP
server), each scenario in turn round after round so the machine's noise spreads over all of
them. "Uncached" empties this benchmark's Redis database (6) before the request. Against the
`bench_movers` database (BENCH_DATABASE) and Redis DB 6 (BENCH_REDIS_URL).

--prepare moves the import's '+' versions 30 days back and adds, set-based, one '~' version
per market dated in the last 7 days (line ±0.5 or ±1, odds nudged), so a 24-hour window holds
~1/7 of them (~2,000 per board), next to bench/generate_history.py's season of older versions.
Those writes date versions out of order (older versions inserted after the import's, the
import's moved back), so it then runs `manage.py backfill_history_versions`: each history row's
previous version (migration 0012) as if the versions had been written in date order.
Results: bench/results/movers-<time>.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile, use_bench_environment  # noqa: E402

BOARD = "league=NFL&week=5"


def environment(args):
    use_bench_environment(args.database, args.redis)


RECENT_MOVES = """
INSERT INTO prop_markets_history ({columns}, line, odds, history_date, history_type,
                                  history_user_id, history_change_reason)
SELECT {copied},
       greatest(0, m.line + (ARRAY[-1, -0.5, 0.5, 1])[1 + floor(random() * 4)::int]),
       CASE WHEN m.odds IS NULL THEN NULL
            ELSE round((m.odds * (0.97 + random() * 0.06))::numeric, 4)::float END,
       now() - random() * interval '7 days', '~', NULL, 'line moved after injury news'
  FROM prop_markets m
 WHERE m.snapshot_id IS NULL
"""


def prepare(args):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        check=True,
        cwd=ROOT,
    )
    import django

    django.setup()
    from django.db import connection

    from props.models import PropMarket

    columns = [
        f.column for f in PropMarket._meta.concrete_fields if f.column not in {"line", "odds"}
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE prop_markets_history SET history_date = history_date - interval '30 days' "
            "WHERE history_type = '+'"
        )
        cursor.execute(
            RECENT_MOVES.format(
                columns=", ".join(f'"{c}"' for c in columns),
                copied=", ".join(f'm."{c}"' for c in columns),
            )
        )
        print(f"recent moves: {cursor.rowcount} rows in {time.perf_counter() - started:.0f} s")
    connection.close()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "backfill_history_versions"],
        check=True,
        cwd=ROOT,
    )
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", args.database, "-c", "VACUUM ANALYZE"],
        check=True,
    )


def run(args):
    import django
    from django.conf import settings

    django.setup()
    # No collected static files needed in-process (the admin page links them).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from accounts.models import User
    from props.models import PropMarket

    staff, _ = User.objects.get_or_create(
        email="bench-movers@staff.bench.betterbros.invalid",
        defaults={"is_staff": True, "is_superuser": True},
    )
    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(user=staff)
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff)
    since = (datetime.now(UTC) - timedelta(hours=24)).isoformat().replace("+00:00", "Z")
    market = PropMarket.objects.filter(league="NFL", week=5).order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prop_markets_history")
        history_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM prop_markets")
        markets = cursor.fetchone()[0]

    def get(client, path, cached):
        def call():
            if not cached:
                cache.clear()
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            return elapsed

        return call

    movers = f"/api/v1/prop-markets/movers/?{BOARD}&since={since}"
    scenarios = {
        "board list, uncached": get(api, f"/api/v1/prop-markets/?{BOARD}", False),
        "board list, cached": get(api, f"/api/v1/prop-markets/?{BOARD}", True),
        "movers by line, uncached": get(api, movers, False),
        "movers by line, cached": get(api, movers, True),
        "movers by odds, uncached": get(api, movers + "&by=odds", False),
        "one market's history": get(api, f"/api/v1/prop-markets/{market.pk}/history/", True),
        "admin index dashboard, uncached": get(admin, "/admin/", False),
        "admin index dashboard, cached": get(admin, "/admin/", True),
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
    print(f"{markets:,} markets, {history_rows:,} history rows; {args.rounds} rounds")
    print(f"{'scenario':44} {'median':>8} {'p95':>8} {'max':>8}")
    for name, values in times.items():
        row = {
            "scenario": name,
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
        }
        rows.append(row)
        print(f"{name:44} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} {row['max_ms']:8.1f}")
    by_name = {row["scenario"]: row for row in rows}
    if "board list, uncached" in by_name:
        board = by_name["board list, uncached"]["p95_ms"]
        for name in ("movers by line, uncached", "movers by odds, uncached"):
            if name in by_name:
                ratio = by_name[name]["p95_ms"] / board
                print(f"{name} p95 / board list uncached p95: {ratio:.2f}x (goal <= 2x)")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    out = results / f"movers-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(
        json.dumps({"markets": markets, "history_rows": history_rows, "results": rows}, indent=2)
    )
    print(f"results: {out.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "bench_movers"))
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--only", default="", help="run the scenarios whose name contains this")
    args = parser.parse_args()
    environment(args)
    if args.prepare:
        prepare(args)
    else:
        run(args)


if __name__ == "__main__":
    main()

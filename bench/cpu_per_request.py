"""CPU time per request of the floor and of the project's list, in-process, without HTTP.

On a shared 2-core machine the requests/s of http_bench.py move with the neighbours' load; the
CPU time a request costs the application process moves much less (it still rises under
contention, so compare figures from one run). This calls both WSGI applications
directly (the same request, the same database and Redis as http_bench.py) and reports the
process CPU milliseconds per request (time.process_time) and their ratio: the part of the gap
that lives in Python. PostgreSQL's and Redis's own CPU are not counted.

Usage: .venv/bin/python bench/cpu_per_request.py [--requests 1000]
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import API_ONLY, use_bench_environment, wsgi_get  # noqa: E402

QUERY = "league=NFL&week=5&is_active=true"


def cpu_ms_per_request(application, path, query, tokens, count, port=8000):
    def call(number):
        wsgi_get(application, path, query, tokens[number % len(tokens)], port)

    for number in range(50):
        call(number)
    started = time.process_time()
    for number in range(count):
        call(number)
    return (time.process_time() - started) / count * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    use_bench_environment(
        os.environ.get("BENCH_DATABASE", "bb_bench"),
        os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        **API_ONLY,
    )
    # 50 clients, each requesting again within seconds, as a client polling a board does (the
    # HTTP benchmark's 1,000 clients come back every few seconds too).
    tokens = (ROOT / "bench" / "data" / "tokens.txt").read_text().split()[:50]

    sys.path.insert(0, str(ROOT / "bench" / "floor"))
    floor = importlib.import_module("app").application
    figures = {
        "floor": cpu_ms_per_request(floor, "/board", QUERY, tokens, args.requests),
        "floor-cached": cpu_ms_per_request(floor, "/board-cached", QUERY, tokens, args.requests),
    }

    from django.conf import settings

    from betterbros.wsgi import application

    api_path, api_query = "/api/v1/prop-markets/", f"{QUERY}&page_size=100"
    settings.CACHE_TTL = 0  # every request misses the list cache, as the `api` contender
    figures["api"] = cpu_ms_per_request(
        application, api_path, api_query, tokens, args.requests, port=8103
    )
    settings.CACHE_TTL = 300
    figures["api-cached"] = cpu_ms_per_request(
        application, api_path, api_query, tokens, args.requests, port=8104
    )

    print("| contender | CPU ms / request | x floor |")
    print("|---|---:|---:|")
    for name, milliseconds in figures.items():
        floor_ms = figures["floor-cached" if name.endswith("-cached") else "floor"]
        print(f"| {name} | {milliseconds:.2f} | {milliseconds / floor_ms:.1f} |")


if __name__ == "__main__":
    main()

"""Profile the prop-market list in-process with pyinstrument: where a request's time goes.

Calls the project's real WSGI application (every middleware, authentication, throttling, the
view) with the benchmark's request and a real token, N times, under pyinstrument; prints the
call tree and writes an HTML profile to bench/results/. Same database, Redis and settings as
the `api` contenders of http_bench.py (CACHE_TTL=0: every request misses the list cache; run
with --cached for the cached path).

Usage: .venv/bin/python bench/profile_api.py [--cached] [--requests 500]
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import API_ONLY, use_bench_environment, wsgi_get  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached", action="store_true")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--all", action="store_true", help="Show library frames too.")
    parser.add_argument("--flat", action="store_true", help="Functions by their own time.")
    parser.add_argument("--path", default="/api/v1/prop-markets/")
    parser.add_argument("--query", default="league=NFL&week=5&is_active=true&page_size=100")
    args = parser.parse_args()

    use_bench_environment(
        os.environ.get("BENCH_DATABASE", "bb_bench"),
        os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        CACHE_TTL=os.environ.get("CACHE_TTL", "300" if args.cached else "0"),
        **API_ONLY,
    )
    from pyinstrument import Profiler

    from betterbros.wsgi import application

    # 50 clients, each requesting again within seconds, as a client polling a board does.
    tokens = (ROOT / "bench" / "data" / "tokens.txt").read_text().split()[:50]
    port = 8104 if args.cached else 8103

    def request(number):
        wsgi_get(application, args.path, args.query, tokens[number % len(tokens)], port)

    for number in range(20):  # warm the connections, caches and imports
        request(number)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for number in range(args.requests):
            request(number)
    elapsed = time.perf_counter() - started
    print(f"{args.requests} requests, {elapsed / args.requests * 1000:.2f} ms each (profiled)")
    print(profiler.output_text(unicode=True, show_all=args.all, flat=args.flat))
    out = ROOT / "bench" / "results" / f"profile-{'cached' if args.cached else 'uncached'}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_html())
    print(f"HTML profile: {out}")


if __name__ == "__main__":
    main()

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
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "league=NFL&week=5&is_active=true"


def environ(path, query, token, port):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        # The list cache keys on the absolute URL: the uncached and cached contenders use the
        # ports of http_bench.py, so that the uncached one never meets the other's entries.
        "HTTP_HOST": f"127.0.0.1:{port}",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def cpu_ms_per_request(application, path, query, tokens, count, port=8000):
    def call(number):
        statuses = []
        request = environ(path, query, tokens[number % len(tokens)], port)
        body = b"".join(application(request, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}: {statuses[0]} {body[:200]!r}")

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
    database = os.environ.get("BENCH_DATABASE", "bb_bench")
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "DEBUG": "false",
            # The API only: no collected static files (the app refuses to start without them).
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "LOG_LEVEL": "WARNING",
        }
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

    sys.path.insert(0, str(ROOT))
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

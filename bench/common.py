"""What the in-process benchmarks share: the environment they run Django in, a request straight
through a WSGI application, and percentiles."""

import io
import os
import sys

# The API only: no collected static files (the app refuses to start without them).
API_ONLY = {"STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def use_bench_environment(database, redis, **extra):
    """Point this process's Django at the benchmark's PostgreSQL `database` and Redis URL, with
    DEBUG off, as deployed (before Django is set up)."""
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": redis,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_READ_DOT_ENV_FILE": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "betterbros.settings",
            **extra,
        }
    )


def wsgi_get(application, path, query, token, port):
    """GET `path?query` with `Authorization: Token <token>` through a WSGI `application`, as a
    request to 127.0.0.1:`port`; anything but a 200 stops the benchmark.

    The list cache keys on the absolute URL: callers pass the port of the http_bench.py
    contender they stand for, so that an uncached run never meets the cached one's entries."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
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
    statuses = []
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{path}: {statuses[0]} {body[:300]!r}")


def percentile(values, share):
    """The nearest-rank percentile (`share` 0.95 → p95) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]

"""What the in-process benchmarks share: the environment they run Django in, and percentiles."""

import os


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


def percentile(values, share):
    """The nearest-rank percentile (`share` 0.95 → p95) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]

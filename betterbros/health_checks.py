"""Health of the app's connections and figures of its database (the seed's
`check_all_connections` and `get_db_info`), shared by `/health/ready/` and the operator commands
`check_connections` and `dbinfo`.

Each check runs in its own thread with a deadline (`HEALTH_CHECK_TIMEOUT`), so an unreachable
PostgreSQL (a connect timeout, or a pool waiting for a free connection) or a hung Redis makes
the report say so quickly instead of holding the caller.
"""

import contextlib
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import DatabaseError, connections
from psycopg_pool import PoolTimeout

REDIS_BACKEND_PREFIX = "django_redis."


def check_all_connections(timeout=None):
    """Check every dependency at once; return the `/health/ready/` report.

    `{"status": "healthy"|"unhealthy", "checks": {"database": {"healthy", "error",
    "latency_ms"}, "redis": {…}}}`; a read replica, when configured, is checked as
    `database_<alias>`. Without REDIS_URL the redis check says `"configured": false`.
    """
    timeout = settings.HEALTH_CHECK_TIMEOUT if timeout is None else timeout
    probes = {_check_name(alias): _database_probe(alias) for alias in connections}
    probes["redis"] = _redis_probe()
    executor = ThreadPoolExecutor(max_workers=len(probes), thread_name_prefix="health")
    futures = {name: executor.submit(_timed, probe) for name, probe in probes.items()}
    deadline = time.monotonic() + timeout
    checks = {}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            checks[name] = _result(False, f"no answer within {timeout:g} s", None)
    # A probe stuck past its deadline finishes on its own; the caller does not wait for it.
    executor.shutdown(wait=False)
    healthy = all(check["healthy"] for check in checks.values())
    return {"status": "healthy" if healthy else "unhealthy", "checks": checks}


def _check_name(alias):
    return "database" if alias == "default" else f"database_{alias}"


def _result(healthy, error, latency_ms, **extra):
    return {"healthy": healthy, "error": error, "latency_ms": latency_ms, **extra}


def _describe(error):
    """The error's class and the first line of its message (psycopg's run to several)."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__


def _timed(probe):
    started = time.perf_counter()
    try:
        extra = probe() or {}
    except Exception as error:
        return _result(False, _describe(error), _elapsed_ms(started))
    if extra.get("configured") is False:
        return _result(True, None, None, **extra)
    return _result(True, None, _elapsed_ms(started), **extra)


def _elapsed_ms(started):
    return round((time.perf_counter() - started) * 1000, 1)


def _database_probe(alias):
    def probe():
        # The probe thread has its own connection (Django's are per thread); closing it returns
        # it to the pool, or closes it when there is none.
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        finally:
            connection.close()

    return probe


def _redis_probe():
    def probe():
        if not uses_redis():
            return {"configured": False}
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
        return None

    return probe


def uses_redis():
    return settings.CACHES["default"]["BACKEND"].startswith(REDIS_BACKEND_PREFIX)


def get_db_info(alias="default"):
    """The database's server version, size and connection-pool figures.

    `pool` is `{"enabled": true, "min_size", "max_size", "size", "in_use", "available",
    "waiting"}` with psycopg's pool (`DATABASE_POOL=true`), else `{"enabled": false, …}` saying
    how connections are kept instead. Raises DatabaseError when the database cannot be reached.
    """
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), current_setting('server_version'), "
                "pg_database_size(current_database()), "
                "pg_size_pretty(pg_database_size(current_database()))"
            )
            name, version, size_bytes, size = cursor.fetchone()
        server = f"PostgreSQL {version}"
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
            (size_bytes,) = cursor.fetchone()
        name = str(connection.settings_dict["NAME"])
        server = f"SQLite {sqlite3.sqlite_version}"
        size = f"{size_bytes / 1024:.0f} kB"
    else:
        raise DatabaseError(f"dbinfo does not know the {connection.vendor} backend.")
    return {
        "alias": alias,
        "vendor": connection.vendor,
        "database": name,
        "server_version": server,
        "size_bytes": size_bytes,
        "size": size,
        "pool": pool_figures(alias),
    }


def pool_figures(alias="default"):
    connection = connections[alias]
    pool = getattr(connection, "pool", None)
    if pool is None:
        return {
            "enabled": False,
            "detail": (
                "No connection pool (DATABASE_POOL is off): each process keeps one connection "
                f"per thread for up to {connection.settings_dict['CONN_MAX_AGE']} s."
            ),
        }
    # Connections still being opened count in the size but not as available: wait for the pool
    # to finish filling so `in_use` counts only connections handed out.
    with contextlib.suppress(PoolTimeout):
        pool.wait(timeout=settings.HEALTH_CHECK_TIMEOUT)
    stats = pool.get_stats()
    size = stats.get("pool_size", 0)
    available = stats.get("pool_available", 0)
    return {
        "enabled": True,
        "min_size": stats.get("pool_min", pool.min_size),
        "max_size": stats.get("pool_max", pool.max_size),
        "size": size,
        "in_use": size - available,
        "available": available,
        "waiting": stats.get("requests_waiting", 0),
    }

"""Redis outages logged once: one error when Redis goes away, one line when it is back.

The cache ignores Redis errors (django-redis `IGNORE_EXCEPTIONS`), so an outage degrades to cache
misses served from PostgreSQL. Logging every ignored error would print one traceback per cache
call for as long as Redis is down; instead the connections of the cache's pool report to one
process-wide `RedisOutage`, which logs the first failure of an outage and the first success after
it. The pool is plugged in with the cache's `CONNECTION_POOL_CLASS` option.
"""

import logging
import threading

from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

CONNECTIVITY_ERRORS = (ConnectionError, TimeoutError)


class RedisOutage:
    """Whether this process currently sees Redis as gone, with one log line per change."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down = False

    @property
    def is_down(self):
        return self._down

    def failed(self, connection, error):
        with self._lock:
            if self._down:
                return
            self._down = True
        logger.error(
            "Redis at %s is unreachable (%s); the cache is bypassed and requests are served "
            "from PostgreSQL until it returns. Further errors are not logged.",
            _address(connection),
            error,
        )

    def succeeded(self, connection):
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("Redis at %s is reachable again; caching resumes.", _address(connection))


outage = RedisOutage()


def _address(connection):
    return f"{connection.host}:{connection.port}/{connection.db}"


class OutageReportingConnection(Connection):
    """A redis-py connection that reports connectivity failures and successes to `outage`."""

    def connect_check_health(self, *args, **kwargs):
        try:
            return super().connect_check_health(*args, **kwargs)
        except CONNECTIVITY_ERRORS as error:
            outage.failed(self, error)
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except CONNECTIVITY_ERRORS as error:
            outage.failed(self, error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except CONNECTIVITY_ERRORS as error:
            outage.failed(self, error)
            raise
        outage.succeeded(self)
        return response


class OutageReportingConnectionPool(ConnectionPool):
    """The cache's connection pool (settings: `CONNECTION_POOL_CLASS`)."""

    def __init__(self, connection_class=OutageReportingConnection, **kwargs):
        super().__init__(connection_class=connection_class, **kwargs)

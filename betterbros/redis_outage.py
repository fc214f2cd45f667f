"""Redis outages logged once: one error when Redis goes away, one line when it is back.

The cache ignores Redis errors (django-redis `IGNORE_EXCEPTIONS`), so an outage degrades to cache
misses served from PostgreSQL. django-redis logs each ignored error
(`DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS`) to this module's logger (`DJANGO_REDIS_LOGGER`), which
would print one traceback per cache call for as long as Redis is down. `OncePerOutage`, the
logger's filter (settings.LOGGING), lets the first of an outage through as one line and drops
the rest; a background thread then pings Redis every `PROBE_SECONDS` and logs once when it
answers again, which ends the outage.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django_redis import get_redis_connection

logger = logging.getLogger(__name__)

PROBE_SECONDS = 0.5
IGNORED_EXCEPTION = "Exception ignored"  # django-redis' message for an ignored error


class RedisOutage:
    """Whether this process currently sees Redis as gone, with one log line per change."""

    def __init__(self):
        self._lock = threading.Lock()
        self._down = False

    @property
    def is_down(self):
        return self._down

    def started(self) -> bool:
        """Mark Redis gone; True only for the first error of an outage."""
        with self._lock:
            if self._down:
                return False
            self._down = True
        threading.Thread(target=self._probe, name="redis-outage-probe", daemon=True).start()
        return True

    def _probe(self):
        while True:
            time.sleep(PROBE_SECONDS)
            try:
                get_redis_connection("default").ping()
            except Exception:  # still gone (any error of the client counts)
                continue
            with self._lock:
                self._down = False
            logger.warning("Redis at %s is reachable again; caching resumes.", _address())
            return


outage = RedisOutage()


def _address():
    """host:port/db of the cache's Redis (without the password a URL may hold)."""
    location = settings.CACHES["default"]["LOCATION"]
    url = urlsplit(location if isinstance(location, str) else location[0])
    return f"{url.hostname}:{url.port}{url.path}"


class OncePerOutage(logging.Filter):
    """Passes django-redis' first ignored error of an outage, reworded as one line naming
    Redis and the error; drops the others. Other records pass unchanged."""

    def filter(self, record):
        if record.getMessage() != IGNORED_EXCEPTION or not record.exc_info:
            return True
        if not outage.started():
            return False
        error = record.exc_info[1]
        cause = error.__cause__ or error
        record.msg = (
            "Redis at %s is unreachable (%s); the cache is bypassed and requests are served "
            "from PostgreSQL until it returns. Further errors are not logged."
        )
        record.args = (_address(), cause)
        record.exc_info = record.exc_text = None
        return True

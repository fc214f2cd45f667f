"""Board cache versions: cached prop-market reads embed these, writes bump them.

Every write that changes markets of a league/week calls `invalidate_boards` (the services,
the importer and the admin do, through the services). A cached read keys itself with
`boards_version(league, week)`: the version of that league/week and the global one, so a read
that is not scoped to one league/week is also invalidated by any write.

A bump that cannot reach Redis (an outage, a blip, a paused server) is not dropped: it stays
pending in the process, which retries it in the background every `RETRY_SECONDS` until Redis
takes it, and which serves no cached board while it is pending (`board_cache_usable`). So an
entry stored before the write is never served by the writing process, and by no process once
Redis is back and the retry has landed (within one retry interval).
"""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

_GLOBAL = "props:board-version:all"
RETRY_SECONDS = 0.25

# Version bumps that did not reach Redis yet: key -> new version (a later bump replaces one).
_pending = {}
_pending_lock = threading.Lock()
_retrying = threading.Event()


def _key(league, week):
    return f"props:board-version:{league}:{week}"


def board_version_keys(league=None, week=None) -> list:
    """The cache keys whose values make up `boards_version(league, week)` (callers may fetch
    them together with their own keys in one round trip)."""
    return [_GLOBAL] if league is None or week is None else [_GLOBAL, _key(league, week)]


def boards_version(league=None, week=None) -> str:
    keys = board_version_keys(league, week)
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return ".".join(found[key] for key in keys)


def invalidate_boards(pairs=()):
    """Bump the versions of these (league, week) pairs and the global one once the current
    transaction commits (at once outside a transaction). Bumping before the commit would let a
    concurrent read cache the old rows under the new version."""
    versions = {_key(lg, wk): uuid.uuid4().hex for lg, wk in set(pairs)}
    versions[_GLOBAL] = uuid.uuid4().hex
    transaction.on_commit(lambda: _bump(versions))


def board_cache_usable() -> bool:
    """Whether cached boards may be served: no bump of this process is still waiting for Redis
    (tried once more here, so a read right after Redis returns lands it first)."""
    return not _pending or _send_pending()


def _bump(versions):
    with _pending_lock:
        _pending.update(versions)
    if not _send_pending():
        _retry_in_background()


def _send_pending() -> bool:
    """Send the pending bumps to Redis; True when none is left."""
    with _pending_lock:
        versions = dict(_pending)
    if not versions:
        return True
    try:
        _set_many_or_raise(versions)
    except Exception as exc:  # any failure to reach the cache: keep them pending
        logger.debug("Board version bump not sent (%s); retrying.", exc)
        return False
    with _pending_lock:
        for key, version in versions.items():
            if _pending.get(key) == version:
                del _pending[key]
        return not _pending


def _set_many_or_raise(versions):
    # django-redis ignores connection errors at the cache's level (IGNORE_EXCEPTIONS); its
    # client underneath raises them, which is what tells a bump that did not land.
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "set_many"):
        client.set_many(versions, timeout=None)
    else:
        cache.set_many(versions, timeout=None)


def _retry_in_background():
    if _retrying.is_set():
        return
    _retrying.set()

    def retry():
        try:
            while not _send_pending():
                time.sleep(RETRY_SECONDS)
        finally:
            _retrying.clear()
        if _pending:  # a bump that failed while this thread was ending
            _retry_in_background()

    threading.Thread(target=retry, name="board-version-retry", daemon=True).start()

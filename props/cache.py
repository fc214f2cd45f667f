"""Board cache versions: cached prop-market reads embed these, writes bump them.

Every write that changes markets of a league/week calls `invalidate_boards` (the services,
the importer and the admin do, through the services). A cached read keys itself with
`boards_version(league, week)`: the version of that league/week and the global one, so a read
that is not scoped to one league/week is also invalidated by any write.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

_GLOBAL = "props:board-version:all"


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
    transaction.on_commit(lambda: cache.set_many(versions, timeout=None))

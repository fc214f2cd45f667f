"""Read replica routing: reads go to the `replica` database, writes to `default`.

Installed by settings only when `DATABASE_REPLICA_URL` is set. A replica lags its primary, so a
read that must see the primary's latest state stays on `default`:

- reads inside a transaction (`atomic`, `select_for_update`, the services' locks);
- reads after this request (or command) wrote anything — read-your-writes: a view that creates a
  row and reads it back must not get a 404 from a replica that has not caught up yet;
- reads of related objects of an instance that came from `default`.

The pin to `default` is dropped when the next request starts (Django's `request_started`).
"""

from contextvars import ContextVar

from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

_wrote_in_this_request: ContextVar[bool] = ContextVar("wrote_in_this_request", default=False)


def _start_request(**kwargs):
    _wrote_in_this_request.set(False)


request_started.connect(_start_request, dispatch_uid="betterbros.db_router.start_request")


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _wrote_in_this_request.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        _wrote_in_this_request.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data, so rows from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica takes its schema from the primary's replication stream.
        return db == DEFAULT_DB_ALIAS

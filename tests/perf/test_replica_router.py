"""The replica router: reads go to the replica, writes (and reads that must be fresh) to default.

A second local PostgreSQL database stands in for the replica. Each database gets different rows,
so which one answered a read shows in the result.
"""

import copy

import psycopg
import pytest
from django.core.management import call_command
from django.core.signals import request_started
from django.db import connections, router, transaction
from django.test import override_settings

from betterbros.db_router import REPLICA_DB_ALIAS
from props.models import PropMarket
from tests.factories import PropMarketFactory

# Transactional: the router sends every read inside a transaction (as TestCase wraps each test) to
# default. Both databases are flushed after each test.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA_DB_ALIAS])

ROUTERS = ["betterbros.db_router.ReplicaRouter"]


def _admin_connection(settings_dict):
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture(scope="module")
def replica_database(django_db_setup, django_db_blocker):
    """A migrated database beside the test database, reachable as the `replica` alias."""
    default = connections["default"].settings_dict
    name = f"{default['NAME']}_replica"
    with _admin_connection(default) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    replica = copy.deepcopy(default)
    replica["NAME"] = name
    connections.settings[REPLICA_DB_ALIAS] = replica
    with django_db_blocker.unblock(), override_settings(DATABASE_ROUTERS=[]):
        call_command("migrate", database=REPLICA_DB_ALIAS, verbosity=0)
    yield name
    connections[REPLICA_DB_ALIAS].close()
    del connections[REPLICA_DB_ALIAS]
    del connections.settings[REPLICA_DB_ALIAS]
    with _admin_connection(default) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def next_request():
    """What Django does when a request begins (the router drops its pin to default)."""
    request_started.send(sender=__name__, environ={})


@pytest.fixture
def routed(replica_database):
    """The router installed; the primary and the replica each hold one different market."""
    next_request()
    PropMarket.objects.using("default").bulk_create(
        [PropMarketFactory.build(player_name="On Primary")]
    )
    PropMarket.objects.using(REPLICA_DB_ALIAS).bulk_create(
        [PropMarketFactory.build(player_name="On Replica")]
    )
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        yield
    next_request()


def player_names(queryset=None):
    queryset = PropMarket.objects.all() if queryset is None else queryset
    return sorted(queryset.values_list("player_name", flat=True))


def test_reads_go_to_the_replica(routed):
    assert player_names() == ["On Replica"]


def test_writes_go_to_the_primary_and_not_the_replica(routed):
    PropMarketFactory.build(player_name="Written").save()

    assert player_names(PropMarket.objects.using("default")) == ["On Primary", "Written"]
    assert player_names(PropMarket.objects.using(REPLICA_DB_ALIAS)) == ["On Replica"]


def test_reads_inside_a_transaction_go_to_the_primary(routed):
    with transaction.atomic():
        assert player_names() == ["On Primary"]
        assert player_names(PropMarket.objects.select_for_update()) == ["On Primary"]


def test_reads_after_a_write_stay_on_the_primary_until_the_next_request(routed):
    PropMarket.objects.filter(player_name="On Primary").update(line=300.5)

    assert player_names() == ["On Primary"]
    next_request()
    assert player_names() == ["On Replica"]


def test_an_instance_from_the_primary_reloads_from_the_primary(routed):
    market = PropMarket.objects.using("default").get()
    PropMarket.objects.using("default").filter(pk=market.pk).update(line=301.5)

    market.refresh_from_db()

    assert market.line == 301.5


def test_migrations_run_only_on_the_primary(replica_database):
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        assert router.allow_migrate("default", "props")
        assert not router.allow_migrate(REPLICA_DB_ALIAS, "props")

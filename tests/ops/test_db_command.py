"""`manage.py db status|upgrade|downgrade|reset|history`, each against a throwaway database of
its own (created and dropped here), run as an operator would: in a subprocess."""

import uuid

import psycopg
import pytest
from django.db import connection

from .conftest import database_url
from .servers import app_environment, manage

# Runs the app's commands against the suite's PostgreSQL and Redis.
pytestmark = pytest.mark.services


def admin_sql(sql):
    settings_dict = connection.settings_dict
    with psycopg.connect(database_url(settings_dict, "postgres"), autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture(scope="module")
def migrated_template(django_db_blocker):
    """A fully migrated database that the tests copy (migrating once is the slow part)."""
    name = f"bb_ops_db_template_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        admin_sql(f"CREATE DATABASE {name}")
        manage("db", "upgrade", environment=environment_for(name))
        yield name
        admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def environment_for(name, debug="true"):
    return app_environment(DATABASE_URL=database_url(connection.settings_dict, name), DEBUG=debug)


class Throwaway:
    def __init__(self, name):
        self.name = name

    def db(self, *arguments, debug="true", check=True, input=None):
        return manage(
            "db",
            *arguments,
            environment=environment_for(self.name, debug),
            check=check,
            input=input,
        )

    def query(self, sql):
        with psycopg.connect(database_url(connection.settings_dict, self.name)) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def applied(self):
        return [
            f"{app}.{name}"
            for app, name in self.query(
                "SELECT app, name FROM django_migrations ORDER BY applied, id"
            )
        ]

    def has_table(self, table):
        return bool(self.query(f"SELECT to_regclass('{table}') IS NOT NULL")[0][0])


def make_throwaway(template=None):
    name = f"bb_ops_db_{uuid.uuid4().hex[:10]}"
    admin_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return Throwaway(name)


@pytest.fixture
def empty_database(django_db_blocker):
    with django_db_blocker.unblock():
        throwaway = make_throwaway()
        yield throwaway
        admin_sql(f"DROP DATABASE IF EXISTS {throwaway.name} WITH (FORCE)")


@pytest.fixture
def migrated_database(django_db_blocker, migrated_template):
    with django_db_blocker.unblock():
        throwaway = make_throwaway(template=migrated_template)
        yield throwaway
        admin_sql(f"DROP DATABASE IF EXISTS {throwaway.name} WITH (FORCE)")


def test_status_of_an_empty_database_lists_every_migration_as_pending(empty_database):
    out = empty_database.db("status").stdout
    assert "props            0/" in out
    assert "pending: 0001_initial" in out
    assert "pending migration(s): run `manage.py db upgrade`." in out


def test_upgrade_applies_everything_and_status_says_up_to_date(empty_database):
    out = empty_database.db("upgrade").stdout
    assert "Applied" in out
    assert empty_database.has_table("prop_markets")
    assert "The database is up to date." in empty_database.db("status").stdout


def test_upgrade_of_one_app_applies_it_and_its_dependencies_only(empty_database):
    empty_database.db("upgrade", "contenttypes")
    apps = {migration.split(".")[0] for migration in empty_database.applied()}
    assert apps == {"contenttypes"}
    assert not empty_database.has_table("prop_markets")


def test_downgrade_of_an_app_unapplies_its_latest_migrations(migrated_database):
    props_before = [m for m in migrated_database.applied() if m.startswith("props.")]
    out = migrated_database.db("downgrade", "props", "--steps", "1").stdout
    props_after = [m for m in migrated_database.applied() if m.startswith("props.")]
    assert props_after == props_before[:-1]
    assert f"Unapplied 1 migration(s): {props_before[-1]}." in out
    assert f"pending: {props_before[-1].split('.')[1]}" in migrated_database.db("status").stdout


def test_downgrade_to_before_the_lock_migration_removes_the_trigger(migrated_database):
    props = [m for m in migrated_database.applied() if m.startswith("props.")]
    steps = len(props) - props.index("props.0002_postgresql_rules")
    migrated_database.db("downgrade", "props", "--steps", str(steps))
    triggers = migrated_database.query(
        "SELECT tgname FROM pg_trigger WHERE tgname = 'prop_markets_refuse_locked'"
    )
    assert triggers == []
    assert migrated_database.has_table("prop_markets")


def test_downgrade_without_app_unapplies_the_most_recently_applied(migrated_database):
    before = migrated_database.applied()
    migrated_database.db("downgrade", "--steps", "2")
    after = migrated_database.applied()
    assert set(before[-2:]).isdisjoint(after)
    assert after == [m for m in before if m in after]


def test_downgrade_of_an_unknown_app_fails_and_changes_nothing(migrated_database):
    before = migrated_database.applied()
    result = migrated_database.db("downgrade", "nosuchapp", check=False)
    assert result.returncode == 1
    assert "App 'nosuchapp' does not exist or has no migrations." in result.stderr
    assert migrated_database.applied() == before


def test_history_lists_applied_migrations_in_order_then_pending_ones(migrated_database):
    migrated_database.db("downgrade", "props")
    lines = migrated_database.db("history").stdout.splitlines()
    applied = migrated_database.applied()
    assert [line.split()[-1] for line in lines[: len(applied)]] == applied
    assert lines[-1].startswith("pending")
    assert lines[-1].split()[-1].startswith("props.")


def test_reset_asks_and_a_no_changes_nothing(migrated_database):
    migrated_database.query("CREATE TABLE ops_marker (id int)")
    result = migrated_database.db("reset", input="no\n", check=False)
    assert result.returncode == 1
    assert "Type 'yes' to continue" in result.stdout
    assert "Reset cancelled; nothing was changed." in result.stderr
    assert migrated_database.has_table("ops_marker")


def test_reset_answered_yes_drops_everything_and_migrates_again(migrated_database):
    migrated_database.query("CREATE TABLE ops_marker (id int)")
    out = migrated_database.db("reset", input="yes\n").stdout
    assert "Dropped" in out
    assert not migrated_database.has_table("ops_marker")
    assert migrated_database.has_table("prop_markets")
    assert "The database is up to date." in migrated_database.db("status").stdout


def test_reset_refuses_with_debug_off_unless_forced(migrated_database):
    migrated_database.query("CREATE TABLE ops_marker (id int)")
    refused = migrated_database.db("reset", "--yes", debug="false", check=False)
    assert refused.returncode == 1
    assert "Refusing to reset with DEBUG off" in refused.stderr
    assert migrated_database.has_table("ops_marker")

    migrated_database.db("reset", "--yes", "--force", debug="false")
    assert not migrated_database.has_table("ops_marker")
    assert migrated_database.has_table("prop_markets")

"""Every management command of the project against each fault a newcomer or an operator meets:
a missing database, an unmigrated one, an unreachable or misspelled DATABASE_URL, a misspelled
REDIS_URL. Each either works (where the fault does not concern it) or prints one line saying
what is wrong and what to do, and exits non-zero: never a traceback."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from .conftest import database_url
from .servers import PROJECT_DIR, app_environment, free_port, manage

# Runs the app's commands against the suite's PostgreSQL and Redis.
pytestmark = pytest.mark.services

COMMANDS = {
    "check_connections": ["check_connections", "--timeout", "3"],
    "dbinfo": ["dbinfo"],
    "db status": ["db", "status"],
    "db upgrade": ["db", "upgrade"],
    "db downgrade": ["db", "downgrade"],
    "db history": ["db", "history"],
    "db reset": ["db", "reset", "--yes", "--force"],
    "capture_snapshot": ["capture_snapshot", "fault-test", "--league", "NFL", "--week", "5"],
    "export_props": ["export_props", "--league", "NFL"],
    "import_props": ["import_props", "{feed}", "--format", "csv"],
    "seed_demo": ["seed_demo"],
    "check_credits": ["check_credits"],
    "feeds": ["feeds", "list"],
    "backfill_history_versions": ["backfill_history_versions", "--parts", "4"],
}
COMMAND_FOLDERS = [
    "betterbros/management/commands",
    "props/management/commands",
    "accounts/management/commands",
]

# fault: (commands that still work, what the others' one line says)
FAULTS = {
    "missing database": ({"db upgrade"}, "does not exist: create and migrate it with"),
    "unmigrated database": (
        {
            "check_connections",
            "dbinfo",
            "db status",
            "db upgrade",
            "db downgrade",
            "db history",
            "db reset",
        },
        "The database is not migrated",
    ),
    "unreachable DATABASE_URL": (set(), "Cannot connect to the database at 127.0.0.1:"),
    "misspelled DATABASE_URL": (set(), "DATABASE_URL must look like postgres://"),
    "misspelled REDIS_URL": (set(), "REDIS_URL must look like redis://"),
}
CHECK_CONNECTIONS_REPORTS = {"missing database", "unreachable DATABASE_URL"}
FEED = (
    "platform,league,season,week,player_name,market_type,line,odds\n"
    "prizepicks,NFL,2024,5,Josh Allen,passing_yards,265.5,1.87\n"
)


def test_the_table_names_every_command_of_the_project():
    found = {
        path.stem
        for folder in COMMAND_FOLDERS
        for path in (PROJECT_DIR / folder).glob("*.py")
        if path.stem != "__init__"
    }
    assert found == {name.split()[0] for name in COMMANDS}


def admin_sql(statement):
    with psycopg.connect(database_url(connection.settings_dict, "postgres"), autocommit=True) as c:
        c.execute(statement)


@pytest.fixture
def scratch_databases():
    """`scratch_databases()`: a new database name of the test's own; each is dropped at the end
    (whether or not a command created it)."""
    names = []

    def new_name():
        names.append(f"bb_fault_{uuid.uuid4().hex[:10]}")
        return names[-1]

    yield new_name
    for name in names:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_database(scratch_databases):
    return scratch_databases()


def fault_environment(fault, scratch_database):
    server = connection.settings_dict
    urls = {
        "DATABASE_URL": database_url(server, scratch_database),
        "REDIS_URL": django_settings.REDIS_URL,
    }
    if fault == "unmigrated database":
        admin_sql(f'CREATE DATABASE "{scratch_database}"')
    elif fault == "unreachable DATABASE_URL":
        port = free_port(6900)
        urls["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{scratch_database}"
    elif fault == "misspelled DATABASE_URL":
        urls["DATABASE_URL"] = urls["DATABASE_URL"].replace("postgres://", "postgress://")
    elif fault == "misspelled REDIS_URL":
        urls["REDIS_URL"] = "127.0.0.1:6379/0"
    return app_environment(**urls)


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.strip()]


def run_under_fault(command, fault, database, feed):
    arguments = [argument.format(feed=feed) for argument in COMMANDS[command]]
    environment = fault_environment(fault, database)
    return manage(*arguments, environment=environment, check=False), environment


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_command_meets_the_fault_with_one_clear_line_never_a_traceback(
    fault, scratch_databases, tmp_path, subtests
):
    """All commands under one fault run side by side (each on a database of its own), then
    each is checked as a subtest."""
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            command: pool.submit(run_under_fault, command, fault, scratch_databases(), feed)
            for command in COMMANDS
        }
    works, says = FAULTS[fault]
    for command, future in futures.items():
        with subtests.test(command=command):
            result, environment = future.result()
            output = result.stdout + result.stderr
            assert "Traceback" not in output
            if command in works:
                assert result.returncode == 0, output
                if (command, fault) == ("db upgrade", "missing database"):
                    assert "Created the database" in result.stdout  # then migrated it
                    status = manage("db", "status", environment=environment)
                    assert "The database is up to date." in status.stdout
                continue
            assert result.returncode != 0
            lines = error_lines(result)
            assert len(lines) == 1, output
            expected = says
            if command == "check_connections" and fault in CHECK_CONNECTIONS_REPORTS:
                expected = "Unhealthy: database."  # its JSON report on stdout has the detail
            assert expected in lines[0]


def test_a_missing_database_says_what_to_run(scratch_database):
    environment = fault_environment("missing database", scratch_database)

    result = manage("seed_demo", environment=environment, check=False)

    assert error_lines(result) == [
        f"Error: The database '{scratch_database}' does not exist: create and migrate it with "
        f"`python manage.py db upgrade` (or `createdb {scratch_database}`)."
    ]


def test_export_into_a_missing_folder_names_the_folder(db, tmp_path):
    target = tmp_path / "no-such-folder" / "board.csv"
    environment = app_environment(
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=django_settings.REDIS_URL,
    )

    result = manage("export_props", "-o", str(target), environment=environment, check=False)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert error_lines(result) == [
        f"Error: Cannot open {target}: the folder {Path(target).parent} does not exist."
    ]


def test_a_bug_still_shows_its_traceback_with_the_traceback_option(scratch_database):
    environment = fault_environment("missing database", scratch_database)

    result = manage("seed_demo", "--traceback", environment=environment, check=False)

    assert "Traceback" in result.stderr

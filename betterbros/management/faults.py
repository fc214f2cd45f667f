"""One clear line, not a traceback, when a management command meets a fault of its surroundings.

`manage.py` runs every command (ours, Django's and DRF's) through `execute_from_command_line`
below. A missing or unmigrated database, an unreachable or misspelled DATABASE_URL / REDIS_URL,
or a file that cannot be opened becomes `Error: <what is wrong>: <what to do>.` on stderr and
exit status 1. Anything else is a bug and keeps its traceback, as does every error with
`--traceback`.
"""

import re
import sys

from django.core.exceptions import ImproperlyConfigured

MIGRATE = "run `python manage.py db upgrade`"
MISSING_DATABASE = re.compile(r'database "(?P<name>[^"]+)" does not exist')
# PostgreSQL's undefined_table / undefined_column; SQLite says "no such table/column".
UNMIGRATED_SQLSTATES = {"42P01", "42703"}
UNMIGRATED_SQLITE = re.compile(r"no such (table|column)")


def execute_from_command_line(argv):
    from django.core import management

    try:
        management.execute_from_command_line(argv)
    except Exception as error:
        message = explain(error)
        if message is None or "--traceback" in argv:
            raise
        sys.stderr.write(f"Error: {message}\n")
        sys.exit(1)


def explain(error):
    """The one line for a known fault, or None."""
    from django.db import utils
    from psycopg_pool import PoolTimeout
    from redis.exceptions import RedisError

    if isinstance(error, ImproperlyConfigured):
        return _first_line(error)
    if isinstance(error, (utils.OperationalError, utils.ProgrammingError, utils.InterfaceError)):
        return _database_fault(error)
    if isinstance(error, PoolTimeout):
        return _unreachable_database(error)
    if isinstance(error, RedisError):
        return f"Redis cannot be used ({_first_line(error)}): check REDIS_URL and that Redis runs."
    if isinstance(error, OSError) and error.filename:
        return _file_fault(error)
    return None


def _database_fault(error):
    text = str(error)
    missing = MISSING_DATABASE.search(text)
    if missing:
        name = missing["name"]
        return (
            f"The database '{name}' does not exist: create and migrate it with "
            f"`python manage.py db upgrade` (or `createdb {name}`)."
        )
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate in UNMIGRATED_SQLSTATES or UNMIGRATED_SQLITE.search(text):
        return f"The database is not migrated ({_first_line(error)}): {MIGRATE}."
    if sqlstate is None:  # no answer from the server: the connection itself failed
        return _unreachable_database(error)
    return None


def _unreachable_database(error):
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    if database["ENGINE"].endswith("sqlite3"):
        where = str(database["NAME"])
    # psycopg: 'connection to server at "h", port p failed: <reason>'
    reason = _first_line(error).rsplit(" failed: ", 1)[-1]
    return (
        f"Cannot connect to the database at {where} ({reason}): check DATABASE_URL and that "
        "the database server is running."
    )


def _file_fault(error):
    from pathlib import Path

    path = Path(error.filename)
    if isinstance(error, FileNotFoundError) and not path.parent.exists():
        return f"Cannot open {path}: the folder {path.parent} does not exist."
    return f"Cannot open {path}: {error.strerror}."


def _first_line(error):
    text = str(error).strip().removeprefix("connection failed: ")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__

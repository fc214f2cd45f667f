"""`manage.py import_props` as operators run it: a clear message and exit code 1 for files it
cannot import (never a traceback), the summary line on success, stdin, --errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from props.models import PropMarket

from .test_import_pipeline import board, csv_file, market_row

REPO = Path(__file__).resolve().parents[2]
UNDERDOG = Path(__file__).parent / "feeds" / "underdog-over-under-lines.json"

pytestmark = pytest.mark.django_db


def import_props(*args, stdin=None):
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
        f"{settings['NAME']}",
        "DJANGO_READ_DOT_ENV_FILE": "false",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "import_props", *map(str, args)],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def assert_refused(result, message):
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert message in stderr
    assert PropMarket.objects.count() == 0


def test_an_empty_file_is_refused_with_a_clear_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert_refused(import_props(empty), "The file is empty.")


def test_garbage_bytes_are_refused_as_an_unknown_format(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 40)

    assert_refused(import_props(garbage), "Cannot tell the file's format")


def test_garbage_bytes_read_as_csv_are_refused_as_not_text(tmp_path):
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"platform,league,player_name,market_type,line\n" + bytes(range(128, 256)))

    assert_refused(import_props(garbage, "--format", "csv"), "not UTF-8 text")


def test_a_truncated_json_feed_is_refused_as_invalid_json(tmp_path):
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(UNDERDOG.read_bytes()[:1500])

    assert_refused(import_props(truncated, "--format", "underdog"), "not valid JSON")


def test_a_truncated_csv_names_the_cut_row_and_writes_nothing(tmp_path):
    truncated = tmp_path / "truncated.csv"
    data = board(3).getvalue()
    truncated.write_bytes(data[: len(data) - 60])

    assert_refused(import_props(truncated), "line 4: row: expected 19 fields")


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("prizepicks", "expected a PrizePicks projections document"),
        ("sportsbook-csv", "Not a sportsbook CSV file: the header lacks Bookmaker"),
    ],
)
def test_a_file_of_another_format_is_refused_naming_the_expected_one(tmp_path, fmt, message):
    path = tmp_path / "board.csv"
    path.write_bytes(board(2).getvalue())

    assert_refused(import_props(path, "--format", fmt), message)


def test_a_json_document_read_as_csv_is_refused(tmp_path):
    assert_refused(import_props(UNDERDOG, "--format", "csv"), "Not a BetterBros CSV file")


def test_a_missing_file_is_refused(tmp_path):
    assert_refused(import_props(tmp_path / "nowhere.csv"), "Cannot read")


def test_bad_rows_are_listed_and_written_to_the_errors_file(tmp_path):
    path = tmp_path / "board.csv"
    path.write_bytes(csv_file([market_row(0), market_row(1, line="x")]).getvalue())
    errors = tmp_path / "errors.csv"

    result = import_props(path, "--errors", errors)

    assert_refused(result, "line 3: line: 'x' is not a number")
    assert "line 3,line," in errors.read_text()


@pytest.mark.django_db(transaction=True)
def test_stdin_import_prints_the_summary_without_a_progress_bar():
    result = import_props("-", "--user", "nobody@example.com", stdin=board(2).getvalue())
    assert_refused(result, "No user with email")

    result = import_props("-", stdin=board(2).getvalue())

    assert result.returncode == 0, result.stderr.decode()
    stdout = result.stdout.decode()
    assert "Format: csv (guessed from the content)" in stdout
    assert "2 created, 0 updated, 0 unchanged, 0 deactivated, 0 rejected in" in stdout
    assert "rows/s" in stdout
    assert result.stderr == b""
    assert PropMarket.objects.count() == 2

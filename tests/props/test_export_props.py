"""`export_props`: the API's filters as options, CSV or JSON lines, and a round trip through
`import_props` that gives back the same rows."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from props.exporters import WRITERS, export_rows
from props.importers import run_import
from props.importers.csv import escape_formula, unescape_formula
from props.models import PropMarket
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

# Every column a market holds, from the model (so a new field is compared too), except what a
# round trip does not keep: the id, the board (compared separately) and the write times.
# The natural key first: rows sort by it (other columns may be None).
NOT_ROUND_TRIPPED = {"id", "snapshot", "created_at", "updated_at"}
NATURAL_KEY = ["platform", "external_id"]
COMPARED = NATURAL_KEY + [
    field.name
    for field in PropMarket._meta.concrete_fields
    if field.name not in NOT_ROUND_TRIPPED and field.name not in NATURAL_KEY
]


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_props", *args, stdout=out, stderr=err)
    return out.getvalue()


def varied_board():
    PropMarketFactory(external_id="a", odds=None, season=None, extra_metadata={"note": 'a, "b"'})
    PropMarketFactory(external_id="b", is_active=False, player_name="D'Andre Swift, Jr.")
    PropMarketFactory(
        external_id="c",
        league="NBA",
        week=12,
        market_type="points",
        stat_category="scoring",
        line=27.5,
        odds=2.35,
        game_date=datetime(2024, 3, 20, 0, 10, 12, 345678, tzinfo=UTC),
        extra_metadata={"nested": {"list": [1, 2.5, None, True]}, "text": "line\nbreak"},
    )


def rows(queryset):
    return sorted(queryset.values_list(*COMPARED))


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_import_gives_back_the_same_rows(fmt):
    varied_board()
    original = rows(PropMarket.objects.live())
    exported = export("--format", fmt).encode()

    again = run_import(io.BytesIO(exported))
    assert (again.format, again.unchanged, again.created, again.updated) == (fmt, 3, 0, 0)

    PropMarket.objects.all().delete()
    report = run_import(io.BytesIO(exported))

    assert report.created == 3
    assert rows(PropMarket.objects.live()) == original


def test_export_uses_the_api_filters():
    varied_board()

    exported = export("--league", "NBA", "--line-min", "20")

    lines = exported.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("platform,external_id,league")
    assert ",c,NBA," in lines[1]


def test_export_is_of_the_live_board_unless_a_snapshot_is_named():
    PropMarketFactory(external_id="live")
    PropMarketFactory(external_id="frozen", snapshot=SnapshotFactory(snapshot_id="nfl-final"))

    assert ",live," in export() and ",frozen," not in export()
    assert ",frozen," in export("--snapshot", "nfl-final")


def test_export_writes_to_a_file(tmp_path):
    varied_board()
    target = tmp_path / "board.jsonl"

    export("--format", "jsonl", "-o", str(target))

    assert len(target.read_text().splitlines()) == 3


def test_an_invalid_filter_is_a_command_error():
    with pytest.raises(CommandError, match=r"--week: .*60"):
        export("--week", "61")


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    "'=already quoted",
]


def test_cells_a_spreadsheet_would_run_are_escaped_and_read_back_as_they_were():
    for n, name in enumerate(FORMULAS):
        PropMarketFactory(external_id=f"f{n}", player_name=name, team="", opponent="")
    PropMarketFactory(external_id="-5", player_name="O'Neil", odds=1.9091, line=0.5)
    original = rows(PropMarket.objects.live())

    exported = export()

    names = {row["external_id"]: row for row in csv.DictReader(io.StringIO(exported, newline=""))}
    assert names["f0"]["player_name"] == "'" + FORMULAS[0]
    assert names["f4"]["player_name"] == "''=already quoted"
    assert names["'-5"]["player_name"] == "O'Neil"
    assert all(
        not row["player_name"].startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in names.values()
    )
    assert names["'-5"]["odds"] == "1.9091"  # numbers are never escaped
    report = run_import(io.BytesIO(exported.encode()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    PropMarket.objects.all().delete()
    run_import(io.BytesIO(exported.encode()))
    assert rows(PropMarket.objects.live()) == original


def test_negative_american_odds_in_a_file_stay_numbers():
    text = (
        "platform,external_id,league,week,player_name,market_type,line,odds\n"
        "prizepicks,pp-1,NFL,5,Josh Allen,passing_yards,265.5,-110\n"
    )
    run_import(io.BytesIO(text.encode()))
    assert PropMarket.objects.get().odds == pytest.approx(1.9091)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_of_live_and_snapshot_markets_imports_back_unchanged(fmt, staff_user):
    varied_board()
    open_snapshot = SnapshotFactory(snapshot_id="nfl-open")
    locked = SnapshotFactory(snapshot_id="nfl-locked")
    for snapshot in (open_snapshot, locked):
        # The same keys as the live board's, in each snapshot.
        PropMarketFactory(external_id="a", snapshot=snapshot, line=12.5)
        PropMarketFactory(external_id="b", snapshot=snapshot)
    lock_snapshot(snapshot=locked, user=staff_user)
    original = rows_with_boards(PropMarket.objects.all())
    handle = io.StringIO()
    WRITERS[fmt](export_rows(PropMarket.objects.all()), handle)
    exported = handle.getvalue().encode()

    report = run_import(io.BytesIO(exported))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert rows_with_boards(PropMarket.objects.all()) == original
    PropMarket.objects.exclude(snapshot=locked).delete()
    again = run_import(io.BytesIO(exported))
    assert (again.created, again.updated, again.unchanged) == (5, 0, 2)
    assert rows_with_boards(PropMarket.objects.all()) == original


def test_an_export_of_one_snapshot_imports_back_into_it_and_snapshot_overrides():
    PropMarketFactory(external_id="frozen", snapshot=SnapshotFactory(snapshot_id="nfl-final"))
    exported = export("--snapshot", "nfl-final").encode()
    assert exported.decode().splitlines()[1].endswith(",nfl-final")

    assert run_import(io.BytesIO(exported)).unchanged == 1
    SnapshotFactory(snapshot_id="nfl-copy")
    assert run_import(io.BytesIO(exported), snapshot="nfl-copy").created == 1
    assert PropMarket.objects.filter(snapshot__snapshot_id="nfl-copy").count() == 1


def test_an_unknown_snapshot_is_an_error_not_an_empty_export():
    with pytest.raises(CommandError, match="No snapshot 'nfl-week-99'"):
        export("--snapshot", "nfl-week-99")


def rows_with_boards(queryset):
    return sorted(queryset.values_list("snapshot__snapshot_id", *COMPARED), key=str)


@pytest.mark.parametrize("text", ["\tcmd", "\r=1+1", "=1", "+1", "-1", "@x", "'=1", "''+x"])
def test_the_formula_rule_escapes_what_a_spreadsheet_runs_and_is_undone_exactly(text):
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text


@pytest.mark.parametrize("text", ["Josh Allen", "O'Neil", "'quoted'", "1.5", ""])
def test_the_formula_rule_leaves_other_text_alone(text):
    assert escape_formula(text) == text == unescape_formula(text)

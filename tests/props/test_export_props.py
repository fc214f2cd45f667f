"""`export_props`: the API's filters as options, CSV or JSON lines, and a round trip through
`import_props` that gives back the same rows."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from props.importers import run_import
from props.models import PropMarket
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

COMPARED = [
    "platform",
    "external_id",
    "sport",
    "league",
    "season",
    "week",
    "player_id",
    "player_name",
    "position",
    "team",
    "opponent",
    "market_type",
    "stat_category",
    "line",
    "odds",
    "game_id",
    "game_date",
    "is_active",
    "extra_metadata",
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
    with pytest.raises(CommandError, match="--week: Ensure this value is less than or equal to 60"):
        export("--week", "61")

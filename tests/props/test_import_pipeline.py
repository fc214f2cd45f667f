"""The import pipeline's promises, on our CSV format: idempotent upserts, moved lines, pulled
props, all-or-nothing with named rows, --skip-invalid, locked snapshots, dry runs, history,
cache invalidation, set-based SQL, and an interrupted import that leaves nothing behind."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection

from props import importers
from props.cache import boards_version
from props.importers import ImportFailed, run_import
from props.importers.csv import COLUMNS
from props.models import PropMarket, Snapshot
from props.services import SnapshotLocked, lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


def market_row(n, **overrides):
    row = {
        "platform": "prizepicks",
        "external_id": f"pp-{n}",
        "league": "NFL",
        "season": "2024",
        "week": "5",
        "player_id": f"player-{n}",
        "player_name": f"Player {n}",
        "position": "QB",
        "team": "KC",
        "opponent": "BUF",
        "market_type": "Pass Yards",
        "stat_category": "",
        "line": "245.5",
        "odds": "-110",
        "game_id": "game-1",
        "game_date": "2024-10-06T20:25:00+00:00",
        "is_active": "true",
        "extra_metadata": "{}",
        "snapshot": "",
    }
    row.update({key: str(value) for key, value in overrides.items()})
    return row


def csv_file(rows, name="board.csv"):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(text.getvalue().encode())
    upload.name = name
    return upload


def board(n=3, **overrides):
    return csv_file([market_row(i, **overrides) for i in range(n)])


def test_import_creates_markets_with_canonical_market_type_and_decimal_odds():
    report = run_import(board(2))

    assert (report.format, report.format_guessed, report.created) == ("csv", True, 2)
    market = PropMarket.objects.get(external_id="pp-0")
    assert market.snapshot is None
    assert (market.market_type, market.stat_category) == ("passing_yards", "passing")
    assert market.extra_metadata == {"feed_stat": "Pass Yards"}
    assert market.odds == pytest.approx(1.9091)
    assert (market.sport, market.week, market.season) == ("football", 5, 2024)


def test_reimporting_the_same_file_reports_everything_unchanged():
    run_import(board(3))
    before = dict(PropMarket.objects.values_list("external_id", "updated_at"))

    report = run_import(board(3))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert dict(PropMarket.objects.values_list("external_id", "updated_at")) == before


def test_a_moved_line_updates_the_row_and_its_updated_at():
    run_import(board(3))
    before = PropMarket.objects.get(external_id="pp-1")

    report = run_import(
        csv_file([market_row(0), market_row(1, line=250.5, odds=-120), market_row(2)])
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    after = PropMarket.objects.get(external_id="pp-1")
    assert after.pk == before.pk
    assert (after.line, after.odds) == (250.5, pytest.approx(1.8333))
    assert after.updated_at > before.updated_at


def test_deactivate_missing_deactivates_the_pulled_markets_of_the_same_platform_league_week():
    run_import(board(3))
    other_week = PropMarketFactory(platform="prizepicks", week=6, external_id="other-week")
    other_platform = PropMarketFactory(platform="underdog", week=5, external_id="other-platform")
    in_snapshot = PropMarketFactory(snapshot=SnapshotFactory(), platform="prizepicks", week=5)

    report = run_import(board(2), deactivate_missing=True)

    assert report.deactivated == 1
    assert not PropMarket.objects.get(external_id="pp-2").is_active
    for untouched in (other_week, other_platform, in_snapshot):
        untouched.refresh_from_db()
        assert untouched.is_active


def test_a_deactivated_market_that_comes_back_is_reactivated():
    run_import(board(3))
    run_import(board(2), deactivate_missing=True)

    report = run_import(board(3))

    assert report.updated == 1
    assert PropMarket.objects.get(external_id="pp-2").is_active


def test_one_bad_row_writes_nothing_and_names_the_row_field_and_reason():
    rows = [market_row(0), market_row(1, line="lots"), market_row(2)]

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file(rows))

    assert PropMarket.objects.count() == 0
    [error] = failure.value.report.rejected
    assert (error.location, error.field) == ("line 3", "line")
    assert "'lots' is not a number" in error.reason
    assert "line 3: line:" in str(failure.value)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"odds": "-50"}, "odds"),
        ({"line": "-1"}, "line"),
        ({"week": "61"}, "week"),
        ({"player_name": ""}, "player_name"),
        ({"platform": "bet365-unknown"}, "platform"),
        ({"game_date": "next sunday"}, "game_date"),
        ({"extra_metadata": "[1, 2]"}, "extra_metadata"),
        ({"extra_metadata": "{oops"}, "extra_metadata"),
        ({"is_active": "maybe"}, "is_active"),
        ({"team": "X" * 51}, "team"),
    ],
)
def test_each_kind_of_bad_value_is_rejected_with_its_field(overrides, field):
    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file([market_row(0, **overrides)]))

    assert [error.field for error in failure.value.report.rejected] == [field]
    assert PropMarket.objects.count() == 0


def test_a_key_twice_in_one_file_is_rejected_naming_both_lines():
    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file([market_row(0), market_row(1), market_row(0, line=1.5)]))

    [error] = failure.value.report.rejected
    assert (error.location, error.field) == ("line 4", "external_id")
    assert "duplicate of line 2" in error.reason


def test_a_duplicate_of_an_existing_market_and_another_bad_row_are_both_named():
    run_import(board(1))
    rows = [market_row(0, line=1.5), market_row(1, line=""), market_row(0, line=2.5)]

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file(rows))

    assert [(e.location, e.field) for e in failure.value.report.rejected] == [
        ("line 3", "line"),
        ("line 4", "external_id"),
    ]
    assert PropMarket.objects.get().line == 245.5


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rejected(tmp_path):
    rows = [market_row(0), market_row(1, odds="0.5"), market_row(2), market_row(0)]

    report = run_import(csv_file(rows), skip_invalid=True)

    assert report.created == 2
    assert [(e.location, e.field) for e in report.rejected] == [
        ("line 3", "odds"),
        ("line 5", "external_id"),
    ]
    assert set(PropMarket.objects.values_list("external_id", flat=True)) == {"pp-0", "pp-2"}
    errors = tmp_path / "errors.csv"
    report.write_errors(errors)
    with errors.open(newline="") as handle:
        written = list(csv.reader(handle))
    assert written[:2] == [
        ["location", "field", "reason"],
        ["line 3", "odds", report.rejected[0].reason],
    ]


def test_import_into_a_locked_snapshot_is_refused_and_changes_nothing(staff_user):
    snapshot = SnapshotFactory(snapshot_id="nfl-final")
    PropMarketFactory(snapshot=snapshot, external_id="pp-0", line=1.5)
    lock_snapshot(snapshot=snapshot, user=staff_user)

    with pytest.raises(SnapshotLocked):
        run_import(board(2), snapshot="nfl-final")

    assert list(PropMarket.objects.values_list("external_id", "line")) == [("pp-0", 1.5)]


def test_import_into_a_snapshot_keys_markets_within_that_snapshot():
    run_import(board(2))
    SnapshotFactory(snapshot_id="nfl-working")

    report = run_import(board(2), snapshot="nfl-working")

    assert report.created == 2
    assert PropMarket.objects.live().count() == 2
    assert PropMarket.objects.filter(snapshot__snapshot_id="nfl-working").count() == 2


def test_an_unknown_snapshot_is_an_error_unless_asked_to_create_it():
    with pytest.raises(ImportFailed, match="does not exist"):
        run_import(board(1), snapshot="nfl-new")

    report = run_import(board(1), snapshot="nfl-new", create_snapshot=True)

    snapshot = Snapshot.objects.get(snapshot_id="nfl-new")
    assert (snapshot.league, snapshot.week, report.created) == ("NFL", 5, 1)
    assert snapshot.prop_markets.count() == 1


def test_dry_run_reports_true_counts_and_writes_nothing():
    run_import(board(2))
    before = list(PropMarket.objects.order_by("external_id").values())
    history = PropMarket.history.count()

    report = run_import(
        csv_file([market_row(0, line=300.5), market_row(5)]), dry_run=True, deactivate_missing=True
    )

    assert (report.created, report.updated, report.deactivated) == (1, 1, 1)
    assert report.summary().startswith("Dry run, nothing written")
    assert list(PropMarket.objects.order_by("external_id").values()) == before
    assert PropMarket.history.count() == history


def test_history_rows_record_creation_update_and_deactivation(staff_user):
    run_import(board(2), user=staff_user, source_name="morning.csv")
    run_import(csv_file([market_row(0, line=1.5)]), deactivate_missing=True, user=staff_user)

    history = PropMarket.history.filter(external_id="pp-1").order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[0].history_change_reason == "import morning.csv"
    assert history[0].history_user == staff_user
    assert [h.is_active for h in history] == [True, False]
    moved = PropMarket.history.filter(external_id="pp-0").latest("history_date")
    assert (moved.history_type, moved.line) == ("~", 1.5)


def test_an_import_invalidates_the_cached_boards_it_touches(django_capture_on_commit_callbacks):
    before = boards_version("NFL", 5), boards_version("NBA", 1)

    with django_capture_on_commit_callbacks(execute=True):
        run_import(board(1))

    assert boards_version("NFL", 5) != before[0]
    assert boards_version("NBA", 1).split(".")[1] == before[1].split(".")[1]
    assert cache.get("props:board-version:NFL:5") is not None


def test_the_merge_is_set_based_the_same_queries_for_ten_or_two_hundred_rows(
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        run_import(board(10), deactivate_missing=True)
    with CaptureQueriesContext(connection) as large:
        run_import(board(200, line=1.5), deactivate_missing=True)

    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(len(small.captured_queries)):
        run_import(board(200), deactivate_missing=True)


def test_rows_of_unsupported_leagues_are_skipped_and_counted_not_rejected():
    rows = [market_row(0), market_row(1, league="CBB"), market_row(2, league="NBA1H")]

    report = run_import(csv_file(rows))

    assert report.created == 1
    assert report.rejected == []
    assert dict(report.unsupported_leagues) == {"CBB": 1, "NBA1H": 1}
    assert "2 skipped (other leagues)" in report.summary()


def test_league_option_keeps_only_that_leagues_rows():
    rows = [market_row(0), market_row(1, league="NBA", market_type="Points")]

    report = run_import(csv_file(rows), league="NBA")

    assert list(PropMarket.objects.values_list("league", flat=True)) == ["NBA"]
    assert dict(report.other_leagues) == {"NFL": 1}


def test_a_file_of_only_unsupported_leagues_is_an_error_that_says_so():
    with pytest.raises(ImportFailed, match="every row is of a league left out"):
        run_import(csv_file([market_row(0, league="CBB")]))


def test_unknown_stats_are_kept_as_given_and_listed():
    report = run_import(csv_file([market_row(0, market_type="Longest Reception")]))

    market = PropMarket.objects.get()
    assert (market.market_type, market.stat_category) == ("Longest Reception", "")
    assert dict(report.unknown_stats) == {"NFL Longest Reception": 1}


def test_week_comes_from_the_file_then_the_command_line_then_the_game_date():
    assert run_import(board(1)).week_source == "file"
    assert run_import(board(1, week=""), week=7).week_source == "command line"
    report = run_import(board(1, week="", season="", game_date="2024-10-07T00:20:00Z"))

    assert report.week_source == "game date"
    # Sunday night in New York (00:20 UTC Monday) is NFL week 5 of the 2024 season.
    assert PropMarket.objects.filter(week=5, season=2024).count() == 1


def test_a_row_without_week_or_game_date_asks_for_week():
    with pytest.raises(ImportFailed) as failure:
        run_import(board(1, week="", game_date=""))

    assert failure.value.report.rejected[0].field == "week"
    assert "give --week" in failure.value.report.rejected[0].reason


class InterruptedUpload(io.BytesIO):
    """A file whose reading is interrupted (Ctrl-C) after `limit` bytes."""

    def __init__(self, data, limit):
        super().__init__(data)
        self.limit = limit

    def read(self, size=-1):
        if self.tell() >= self.limit:
            raise KeyboardInterrupt
        return super().read(size)


def test_an_interrupted_import_leaves_the_database_as_it_was():
    run_import(board(5))
    before = list(PropMarket.objects.order_by("external_id").values())
    data = board(3000, line=99.5).getvalue()
    assert len(data) > 200_000  # well past the 64 KB the format sniffing reads first

    with pytest.raises(KeyboardInterrupt):
        run_import(InterruptedUpload(data, limit=150_000))

    assert list(PropMarket.objects.order_by("external_id").values()) == before


def test_the_progress_bar_shows_on_a_terminal_only(capsys, monkeypatch):
    run_import(board(3), progress=True)
    assert capsys.readouterr().err == ""

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    run_import(board(3), progress=True)

    assert "board.csv: 0 rows" in capsys.readouterr().err


def test_a_key_twice_is_refused_even_when_the_market_is_already_on_the_board():
    run_import(board(1))

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file([market_row(0), market_row(0, line=250.5)]))

    [error] = failure.value.report.rejected
    assert (error.location, error.field) == ("line 3", "external_id")
    assert "duplicate of line 2" in str(failure.value)
    assert PropMarket.objects.get().line == 245.5


def test_missing_options_are_one_line_naming_every_one_not_an_error_per_row():
    rows = [market_row(n, platform="", league="", week="", game_date="") for n in range(50)]

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file(rows))

    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("Give --platform and --league and --week:")
    assert "50 rows name no league" in message
    assert PropMarket.objects.count() == 0


def test_row_errors_are_grouped_by_field_and_reason_with_a_count_and_the_first_rows():
    rows = [market_row(n, line="lots") for n in range(40)] + [market_row(40, odds="0.5")]

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file(rows))

    lines = str(failure.value).splitlines()
    assert len(lines) == 3
    assert lines[1] == (
        "  line: 'lots' is not a number. (40 rows: line 2, line 3, line 4, line 5, line 6, …)"
    )
    assert lines[2].startswith("  line 42: odds:")
    [group, single] = failure.value.report.rejection_groups()
    assert (group.field, group.count, single.count) == ("line", 40, 1)


def test_season_comes_from_the_file_then_the_option_then_the_game_date():
    january_nba = {"league": "NBA", "market_type": "points", "team": "", "opponent": ""}
    january_nba |= {"game_date": "2024-01-20T00:30:00Z", "week": ""}

    assert run_import(board(1, season="2022", **january_nba)).season_source == "file"
    assert run_import(board(1, season="", **january_nba), season=2021).season_source == (
        "command line"
    )
    assert PropMarket.objects.get().season == 2021
    report = run_import(board(1, season="", **january_nba))

    assert report.season_source == "game date"
    # A January game belongs to the NBA season that started the year before.
    assert PropMarket.objects.get().season == 2023


def test_a_large_import_analyzes_the_market_table(monkeypatch, django_capture_on_commit_callbacks):
    PropMarketFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE prop_markets")
    monkeypatch.setattr(importers, "ANALYZE_AFTER_ROWS", 5)

    with django_capture_on_commit_callbacks(execute=True):
        run_import(board(5))

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'prop_markets'")
        assert cursor.fetchone()[0] == 7


def test_rows_go_to_the_boards_the_file_names_and_snapshot_overrides_them():
    SnapshotFactory(snapshot_id="nfl-a")
    SnapshotFactory(snapshot_id="nfl-b")
    rows = [market_row(0), market_row(0, snapshot="nfl-a"), market_row(0, snapshot="nfl-b")]

    report = run_import(csv_file(rows))

    assert report.created == 3
    assert report.board_description == "as the file names them: live (1), nfl-a (1), nfl-b (1)"
    assert PropMarket.objects.live().count() == 1
    assert PropMarket.objects.filter(snapshot__snapshot_id="nfl-a").count() == 1

    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file(rows), snapshot="nfl-a")  # every row to nfl-a: a key three times
    assert [error.location for error in failure.value.report.rejected] == ["line 3", "line 4"]


def test_deactivate_missing_works_per_board_the_file_names():
    SnapshotFactory(snapshot_id="nfl-a")
    run_import(csv_file([market_row(n, snapshot="nfl-a") for n in range(3)] + [market_row(9)]))

    report = run_import(
        csv_file([market_row(0, snapshot="nfl-a"), market_row(1, snapshot="nfl-a")]),
        deactivate_missing=True,
    )

    assert report.deactivated == 1
    assert not PropMarket.objects.get(external_id="pp-2").is_active
    assert PropMarket.objects.live().get().is_active  # the live board is not in the file


def test_an_unknown_snapshot_named_by_a_row_is_a_row_error():
    with pytest.raises(ImportFailed) as failure:
        run_import(csv_file([market_row(0), market_row(1, snapshot="nfl-gone")]))

    [error] = failure.value.report.rejected
    assert (error.location, error.field) == ("line 3", "snapshot")
    assert "no snapshot 'nfl-gone'" in error.reason

"""`props.services.bulk`: many markets changed in one statement with their history rows; markets
of locked snapshots left out and counted; moves checked against the target's league/week."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from props.models import PropMarket
from props.services import DomainError, SnapshotLocked, lock_snapshot, update_market
from props.services.bulk import (
    BoardMismatch,
    MarketEdit,
    delete_markets,
    edit_markets,
    move_markets,
)
from tests.factories import PropMarketFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_market(staff_user):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, line=10.5)
    lock_snapshot(snapshot=snapshot, user=staff_user)
    return market


def history_statements(queries):
    return [q for q in queries if q["sql"].lstrip().upper().startswith("WITH CHANGED")]


def test_shifting_lines_changes_every_selected_market_in_one_statement(staff_user):
    markets = [PropMarketFactory(line=line) for line in (20.5, 0.5, 99.9)]
    selection = PropMarket.objects.filter(pk__in=[m.pk for m in markets])
    with CaptureQueriesContext(connection) as queries:
        result = edit_markets(
            queryset=selection,
            edit=MarketEdit(field="line", value=0.1, shift=True),
            user=staff_user,
            reason="book moved",
        )
    assert (result.changed, result.skipped_locked) == (3, 0)
    assert len(history_statements(queries)) == 1
    assert sorted(selection.values_list("line", flat=True)) == [0.6, 20.6, 100.0]
    latest = markets[0].history.latest()
    assert (latest.line, latest.history_user, latest.history_change_reason) == (
        20.6,
        staff_user,
        "line shifted by +0.1 in admin: book moved",
    )


def test_a_shift_taking_a_line_below_zero_changes_nothing():
    low, high = PropMarketFactory(line=0.5), PropMarketFactory(line=30.5)
    with pytest.raises(DomainError, match="below 0"):
        edit_markets(
            queryset=PropMarket.objects.filter(pk__in=[low.pk, high.pk]),
            edit=MarketEdit(field="line", value=-1, shift=True),
        )
    high.refresh_from_db()
    assert high.line == 30.5


def test_setting_odds_leaves_markets_that_have_them_alone():
    same, other = PropMarketFactory(odds=2.5), PropMarketFactory(odds=1.9091)
    result = edit_markets(
        queryset=PropMarket.objects.filter(pk__in=[same.pk, other.pk]),
        edit=MarketEdit(field="odds", value=2.5),
    )
    assert result.changed == 1
    assert same.history.count() == 1  # only its creation
    other.refresh_from_db()
    assert other.odds == 2.5


def test_bad_values_are_refused_before_anything_is_written():
    with pytest.raises(DomainError):
        MarketEdit(field="odds", value=0.5)
    with pytest.raises(DomainError):
        MarketEdit(field="line", value=-3)
    with pytest.raises(DomainError):
        MarketEdit(field="line", value=0, shift=True)


@pytest.mark.parametrize(
    "write",
    [
        lambda qs: edit_markets(queryset=qs, edit=MarketEdit(field="is_active", value=False)),
        lambda qs: edit_markets(queryset=qs, edit=MarketEdit(field="line", value=1, shift=True)),
        lambda qs: move_markets(queryset=qs, snapshot=SnapshotFactory()),
        lambda qs: delete_markets(queryset=qs),
    ],
    ids=["deactivate", "shift", "move", "delete"],
)
def test_markets_of_locked_snapshots_are_left_out_and_counted(locked_market, write):
    live = PropMarketFactory(line=10.5)
    history_before = locked_market.history.count()
    result = write(PropMarket.objects.filter(pk__in=[locked_market.pk, live.pk]))
    assert (result.changed, result.skipped_locked) == (1, 1)
    assert result.locked_snapshots == ("nfl-week-5-final",)
    assert "1 prop market(s) left out" in result.left_out()
    locked_market.refresh_from_db()
    assert (locked_market.line, locked_market.is_active) == (10.5, True)
    assert locked_market.history.count() == history_before


def test_a_move_into_a_locked_snapshot_is_refused_whole(locked_market):
    live = PropMarketFactory()
    with pytest.raises(SnapshotLocked):
        move_markets(
            queryset=PropMarket.objects.filter(pk=live.pk), snapshot=locked_market.snapshot
        )
    live.refresh_from_db()
    assert live.snapshot_id is None


def test_a_move_into_a_snapshot_of_another_league_or_week_names_them_and_moves_nothing():
    target = SnapshotFactory(snapshot_id="nba-week-3", league="NBA", week=3)
    nfl = PropMarketFactory(league="NFL", week=5)
    nba = PropMarketFactory(league="NBA", week=3, market_type="points")
    with pytest.raises(BoardMismatch) as refusal:
        move_markets(queryset=PropMarket.objects.filter(pk__in=[nfl.pk, nba.pk]), snapshot=target)
    assert str(refusal.value) == (
        "Snapshot 'nba-week-3' is NBA week 3; 1 selected market(s) are of NFL week 5. "
        "Nothing was moved."
    )
    assert not PropMarket.objects.filter(snapshot=target).exists()


def test_a_move_records_where_each_market_came_from(staff_user):
    source = SnapshotFactory(snapshot_id="nfl-week-5-draft")
    target = SnapshotFactory(snapshot_id="nfl-week-5-final")
    live, drafted = PropMarketFactory(), PropMarketFactory(snapshot=source)
    result = move_markets(
        queryset=PropMarket.objects.filter(pk__in=[live.pk, drafted.pk]),
        snapshot=target,
        user=staff_user,
        reason="regrade",
    )
    assert result.changed == 2
    assert live.history.latest().history_change_reason == "live board → nfl-week-5-final: regrade"
    assert (
        drafted.history.latest().history_change_reason
        == "nfl-week-5-draft → nfl-week-5-final: regrade"
    )


def test_a_single_move_on_the_change_page_reads_the_same(staff_user):
    target = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory()
    update_market(market=market, user=staff_user, reason="final board", snapshot=target)
    assert (
        market.history.latest().history_change_reason
        == "live board → nfl-week-5-final: final board"
    )


def test_deleting_records_a_deletion_row_with_who_and_why(staff_user):
    market = PropMarketFactory()
    result = delete_markets(
        queryset=PropMarket.objects.filter(pk=market.pk), user=staff_user, reason="duplicate"
    )
    assert result.changed == 1
    gone = PropMarket.history.filter(id=market.pk).latest()
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-",
        staff_user,
        "deleted in admin: duplicate",
    )

"""`capture_snapshot`: parses, calls the capture service, and says what it did."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from betterbros.celery import app as celery_app
from props.models import PropMarket, Snapshot
from props.services import capture_snapshot
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db


def capture(*args):
    out = io.StringIO()
    call_command("capture_snapshot", *args, stdout=out)
    return out.getvalue()


def test_capture_copies_the_live_league_week_into_a_new_snapshot():
    PropMarketFactory.create_batch(3, league="NFL", week=5)
    PropMarketFactory(league="NFL", week=6)
    PropMarketFactory(league="NBA", week=5, market_type="points")

    output = capture("nfl-week-5-2024", "--league", "NFL", "--week", "5", "--season", "2024")

    snapshot = Snapshot.objects.get(snapshot_id="nfl-week-5-2024")
    assert not snapshot.is_locked
    assert snapshot.prop_markets.count() == 3
    assert PropMarket.objects.live().count() == 5
    assert "Captured 3 markets of NFL week 5 into snapshot 'nfl-week-5-2024' (open)." in output


def test_capture_with_lock_locks_it_and_records_who(staff_user):
    PropMarketFactory()

    output = capture(
        "nfl-final", "--league", "NFL", "--week", "5", "--lock", "--user", staff_user.email
    )

    snapshot = Snapshot.objects.get(snapshot_id="nfl-final")
    assert (snapshot.is_locked, snapshot.locked_by) == (True, staff_user)
    assert "(locked)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["taken", "--league", "NFL", "--week", "5"], "already exists"),
        (["bad slug!", "--league", "NFL", "--week", "5"], "Invalid slug"),
        (["new", "--league", "NFL", "--week", "99"], "--week must be between 0 and 60"),
        (["new", "--league", "NFL", "--week", "5", "--user", "x@example.com"], "No user"),
    ],
)
def test_capture_refuses_bad_input_with_a_message_and_changes_nothing(args, message):
    Snapshot.objects.create(snapshot_id="taken", league="NFL", week=5)

    with pytest.raises(CommandError, match=message):
        capture(*args)

    assert Snapshot.objects.count() == 1


def test_capture_writes_a_history_row_per_copy_in_one_statement(staff_user):
    PropMarketFactory.create_batch(4, league="NFL", week=5)
    with CaptureQueriesContext(connection) as queries:
        snapshot = capture_snapshot(slug="nfl-week-5-copy", league="NFL", week=5, user=staff_user)
    copies = PropMarket.history.filter(snapshot_id=snapshot.pk)
    assert snapshot.captured_markets == 4
    assert copies.count() == 4
    assert {(v.history_type, v.history_user, v.history_change_reason) for v in copies} == {
        ("+", staff_user, "captured from the live board")
    }
    inserts = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("WITH CHANGED")]
    assert len(inserts) == 1  # copies and their history: one INSERT … SELECT
    assert "INSERT INTO" in inserts[0] and "SELECT" in inserts[0]


def test_capture_analyzes_the_tables_after_commit_in_a_task_not_in_the_call(
    monkeypatch, django_capture_on_commit_callbacks
):
    # Tasks run in-process here, as without a broker; with one, a worker runs the ANALYZE.
    monkeypatch.setattr(celery_app.conf, "CELERY_TASK_ALWAYS_EAGER", True)
    PropMarketFactory.create_batch(30, league="NFL", week=5)

    with (
        django_capture_on_commit_callbacks() as queued,
        CaptureQueriesContext(connection) as queries,
    ):
        capture_snapshot(slug="nfl-week-5-stats", league="NFL", week=5)
    assert not [q["sql"] for q in queries if "ANALYZE" in q["sql"].upper()]

    with CaptureQueriesContext(connection) as queries:
        for callback in queued:
            callback()
    analyzed = [q["sql"] for q in queries if "ANALYZE" in q["sql"].upper()]
    assert analyzed == ['ANALYZE "prop_markets", "prop_markets_history"']
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'prop_markets'")
        assert cursor.fetchone()[0] == 60

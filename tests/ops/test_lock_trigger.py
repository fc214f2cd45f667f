"""The lock trigger (props migration 0002) makes a locked snapshot immutable below the ORM:
raw SQL, QuerySet.update/delete and bulk_create cannot change its prop markets or its fields;
unlocking and deleting the user who locked it still work."""

import pytest
from django.db import IntegrityError, connection, transaction

from props.models import PropMarket, Snapshot
from props.services import lock_snapshot, lock_violation_slug
from tests.factories import PropMarketFactory, SnapshotFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked_snapshot():
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-2024-final")
    PropMarketFactory.create_batch(3, snapshot=snapshot)
    return lock_snapshot(snapshot=snapshot, user=StaffUserFactory())


def refused(operation):
    """Run `operation` in a savepoint; return the trigger's IntegrityError (fail if none)."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        operation()
    return caught.value


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def market_state(snapshot):
    return sorted(PropMarket.objects.filter(snapshot=snapshot).values_list("line", "is_active"))


def test_the_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
        names = [row[0] for row in cursor.fetchall()]
    assert {"prop_markets_refuse_locked", "snapshots_refuse_locked"} <= set(names)


def test_refusal_names_the_snapshot(locked_snapshot):
    error = refused(lambda: PropMarket.objects.filter(snapshot=locked_snapshot).update(line=1))
    assert lock_violation_slug(error) == "nfl-week-5-2024-final"
    assert "is locked" in str(error)


def test_raw_sql_update_of_locked_markets_is_refused(locked_snapshot):
    before = market_state(locked_snapshot)
    refused(
        lambda: raw("UPDATE prop_markets SET line = 0 WHERE snapshot_id = %s", [locked_snapshot.pk])
    )
    assert market_state(locked_snapshot) == before


def test_raw_sql_delete_of_locked_markets_is_refused(locked_snapshot):
    refused(lambda: raw("DELETE FROM prop_markets WHERE snapshot_id = %s", [locked_snapshot.pk]))
    assert PropMarket.objects.filter(snapshot=locked_snapshot).count() == 3


def test_raw_sql_insert_into_locked_snapshot_is_refused(locked_snapshot):
    live = PropMarketFactory()
    copy_into_snapshot = (
        "INSERT INTO prop_markets SELECT * FROM jsonb_populate_record(NULL::prop_markets, "
        "(SELECT to_jsonb(m) || jsonb_build_object('id', gen_random_uuid(), 'snapshot_id', %s) "
        "FROM prop_markets m WHERE id = %s))"
    )
    refused(lambda: raw(copy_into_snapshot, [str(locked_snapshot.pk), live.pk]))
    assert PropMarket.objects.filter(snapshot=locked_snapshot).count() == 3


def test_queryset_update_of_locked_markets_is_refused(locked_snapshot):
    before = market_state(locked_snapshot)
    refused(lambda: PropMarket.objects.filter(snapshot=locked_snapshot).update(is_active=False))
    assert market_state(locked_snapshot) == before


def test_queryset_delete_of_locked_markets_is_refused(locked_snapshot):
    refused(lambda: PropMarket.objects.filter(snapshot=locked_snapshot).delete())
    assert PropMarket.objects.filter(snapshot=locked_snapshot).count() == 3


def test_bulk_create_into_locked_snapshot_is_refused(locked_snapshot):
    new_markets = PropMarketFactory.build_batch(2, snapshot=locked_snapshot)
    refused(lambda: PropMarket.objects.bulk_create(new_markets))
    assert PropMarket.objects.filter(snapshot=locked_snapshot).count() == 3


def test_moving_a_market_into_a_locked_snapshot_is_refused(locked_snapshot):
    live = PropMarketFactory()
    refused(lambda: PropMarket.objects.filter(pk=live.pk).update(snapshot=locked_snapshot))
    live.refresh_from_db()
    assert live.snapshot_id is None


def test_moving_a_market_out_of_a_locked_snapshot_is_refused(locked_snapshot):
    other = SnapshotFactory()
    market = PropMarket.objects.filter(snapshot=locked_snapshot).first()
    refused(lambda: PropMarket.objects.filter(pk=market.pk).update(snapshot=other))
    refused(lambda: PropMarket.objects.filter(pk=market.pk).update(snapshot=None))
    market.refresh_from_db()
    assert market.snapshot_id == locked_snapshot.pk


def test_changing_a_locked_snapshots_fields_is_refused(locked_snapshot):
    refused(lambda: Snapshot.objects.filter(pk=locked_snapshot.pk).update(name="edited"))
    refused(lambda: raw("UPDATE snapshots SET week = 6 WHERE id = %s", [locked_snapshot.pk]))
    refused(
        lambda: Snapshot.objects.filter(pk=locked_snapshot.pk).update(locked_by=StaffUserFactory())
    )
    locked_snapshot.refresh_from_db()
    assert (locked_snapshot.name, locked_snapshot.week) == ("", 5)


def test_deleting_a_locked_snapshot_is_refused(locked_snapshot):
    refused(lambda: raw("DELETE FROM snapshots WHERE id = %s", [locked_snapshot.pk]))
    assert Snapshot.objects.filter(pk=locked_snapshot.pk).exists()


def test_unlocking_is_allowed(locked_snapshot):
    Snapshot.objects.filter(pk=locked_snapshot.pk).update(
        is_locked=False, locked_at=None, locked_by=None
    )
    PropMarket.objects.filter(snapshot=locked_snapshot).update(line=1)
    assert set(
        PropMarket.objects.filter(snapshot=locked_snapshot).values_list("line", flat=True)
    ) == {1}


def test_deleting_the_user_who_locked_it_is_allowed(locked_snapshot):
    locked_snapshot.locked_by.delete()
    locked_snapshot.refresh_from_db()
    assert locked_snapshot.is_locked
    assert locked_snapshot.locked_by is None


def test_an_unlocked_snapshots_markets_are_writable():
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    PropMarket.objects.filter(snapshot=snapshot).update(line=3)
    PropMarket.objects.bulk_create(PropMarketFactory.build_batch(1, snapshot=snapshot))
    assert PropMarket.objects.filter(snapshot=snapshot, line=3).count() == 2
    assert PropMarket.objects.filter(snapshot=snapshot).delete()[0] == 3

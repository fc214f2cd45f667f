"""The single-market write services the API and the admin call: validation, the lock rule and
board-cache invalidation on commit."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from props.cache import board_version_keys, boards_version
from props.models import PropMarket, Snapshot
from props.services import (
    SnapshotLocked,
    create_market,
    delete_market,
    delete_snapshot,
    lock_snapshot,
    update_market,
    update_snapshot,
)
from tests.factories import ExperimentFactory, PropMarketFactory, SnapshotFactory

FIELDS = {
    "league": "NFL",
    "week": 5,
    "player_name": "Patrick Mahomes",
    "market_type": "passing_yards",
    "line": 275.5,
    "platform": "prizepicks",
}


@pytest.mark.django_db
def test_create_market_converts_american_odds_and_derives_the_sport():
    market = create_market(**FIELDS, odds=-110)

    assert (market.odds, market.sport) == (1.9091, "football")


@pytest.mark.django_db
def test_create_market_validates_with_the_models_rules():
    with pytest.raises(ValidationError) as error:
        create_market(**{**FIELDS, "line": -1, "odds": 0.5})

    assert {"line", "odds"} <= set(error.value.message_dict)
    assert not PropMarket.objects.exists()


@pytest.mark.django_db
def test_every_market_write_refuses_a_locked_snapshot():
    snapshot = SnapshotFactory(snapshot_id="final")
    market = PropMarketFactory(snapshot=snapshot, line=275.5)
    live = PropMarketFactory()
    lock_snapshot(snapshot=snapshot)

    for write in (
        lambda: create_market(**FIELDS, snapshot=snapshot),
        lambda: update_market(market=market, line=1.5),
        lambda: update_market(market=live, snapshot=snapshot),
        lambda: delete_market(market=market),
    ):
        with pytest.raises(SnapshotLocked, match="final"):
            write()

    market.refresh_from_db()
    assert market.line == 275.5
    assert snapshot.prop_markets.count() == 1


@pytest.mark.django_db
def test_snapshot_writes_refuse_a_locked_snapshot():
    snapshot = lock_snapshot(snapshot=SnapshotFactory(snapshot_id="final", name="Final"))

    with pytest.raises(SnapshotLocked):
        update_snapshot(snapshot=snapshot, name="Changed")
    with pytest.raises(SnapshotLocked):
        delete_snapshot(snapshot=snapshot)

    assert Snapshot.objects.get(pk=snapshot.pk).name == "Final"


@pytest.mark.django_db
def test_delete_snapshot_takes_its_markets_and_leaves_experiments():
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(3, snapshot=snapshot)
    experiment = ExperimentFactory(snapshot=snapshot)

    assert delete_snapshot(snapshot=snapshot) == 3

    assert not PropMarket.objects.exists()
    experiment.refresh_from_db()
    assert experiment.snapshot is None


@pytest.mark.django_db(transaction=True)
def test_market_writes_invalidate_the_old_and_new_boards_on_commit():
    market = PropMarketFactory(week=5)
    boards_version("NFL", 5), boards_version("NFL", 6), boards_version("NFL", 7)
    own_key = {week: board_version_keys("NFL", week)[-1] for week in (5, 6, 7)}
    before = {week: cache.get(key) for week, key in own_key.items()}

    update_market(market=market, week=6)

    after = {week: cache.get(key) for week, key in own_key.items()}
    assert after[5] != before[5]
    assert after[6] != before[6]
    assert after[7] == before[7]

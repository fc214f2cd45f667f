import pytest

from props.models import Experiment, PropMarket, SavedSlip
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_a_user_deletes_their_experiments_and_slips_only():
    owner, other = UserFactory(), UserFactory()
    ExperimentFactory(user=owner)
    SavedSlipFactory(user=owner)
    kept_experiment, kept_slip = ExperimentFactory(user=other), SavedSlipFactory(user=other)

    owner.delete()

    assert list(Experiment.objects.all()) == [kept_experiment]
    assert list(SavedSlip.objects.all()) == [kept_slip]


def test_deleting_a_snapshot_keeps_its_experiments_slips_and_markets_unlinked():
    snapshot = SnapshotFactory()
    experiment = ExperimentFactory(snapshot=snapshot)
    slip = SavedSlipFactory(snapshot=snapshot)
    market = PropMarketFactory(snapshot=snapshot)

    snapshot.delete()

    for row in (experiment, slip, market):
        row.refresh_from_db()
        assert row.snapshot_id is None
    assert PropMarket.objects.live().get() == market

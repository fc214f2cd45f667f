"""Locking and unlocking snapshots through the API: staff only, idempotent, who and when kept;
while locked, every write other than unlock is a 409 naming the snapshot and changes nothing."""

import pytest

from props.models import PropMarket, Snapshot
from tests.factories import PropMarketFactory, SnapshotFactory, StaffUserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/snapshots/nfl-week-5-final/"


@pytest.fixture
def snapshot():
    return SnapshotFactory(snapshot_id="nfl-week-5-final", name="Final")


def test_staff_lock_records_who_and_when(staff_client, staff_user, snapshot):
    response = staff_client.post(f"{URL}lock/")

    assert response.status_code == 200
    body = response.json()
    assert body["is_locked"] is True
    assert body["locked_by"] == staff_user.email
    snapshot.refresh_from_db()
    assert (snapshot.is_locked, snapshot.locked_by) == (True, staff_user)
    assert snapshot.locked_at is not None


def test_locking_twice_keeps_the_first_lock(staff_client, client_for, staff_user, snapshot):
    first = staff_client.post(f"{URL}lock/").json()

    second = client_for(StaffUserFactory()).post(f"{URL}lock/")

    assert second.status_code == 200
    assert (second.json()["locked_at"], second.json()["locked_by"]) == (
        first["locked_at"],
        staff_user.email,
    )


def test_unlock_is_idempotent(staff_client, snapshot):
    staff_client.post(f"{URL}lock/")

    first = staff_client.post(f"{URL}unlock/")
    second = staff_client.post(f"{URL}unlock/")

    assert first.status_code == second.status_code == 200
    assert second.json()["is_locked"] is False
    assert second.json()["locked_by"] is None
    assert not Snapshot.objects.get(pk=snapshot.pk).is_locked


def test_users_cannot_lock_or_unlock(user_client, staff_client, snapshot):
    assert user_client.post(f"{URL}lock/").status_code == 403
    staff_client.post(f"{URL}lock/")
    assert user_client.post(f"{URL}unlock/").status_code == 403
    assert Snapshot.objects.get(pk=snapshot.pk).is_locked


def test_lock_of_unknown_snapshot_is_404(staff_client):
    assert staff_client.post("/api/v1/snapshots/nothing-here/lock/").status_code == 404


@pytest.mark.parametrize(
    ("method", "body"),
    [("patch", {"name": "Changed"}), ("put", None), ("delete", None)],
)
def test_writes_to_a_locked_snapshot_are_409_naming_it(staff_client, snapshot, method, body):
    market = PropMarketFactory(snapshot=snapshot)
    staff_client.post(f"{URL}lock/")
    if method == "put":
        body = {"snapshot_id": "nfl-week-5-final", "league": "NFL", "week": 5, "name": "New"}

    response = getattr(staff_client, method)(URL, body, format="json")

    assert response.status_code == 409
    assert "nfl-week-5-final" in response.json()["detail"]
    snapshot.refresh_from_db()
    assert snapshot.name == "Final"
    assert PropMarket.objects.filter(pk=market.pk, snapshot=snapshot).exists()


def test_market_writes_in_a_locked_snapshot_are_409(staff_client, snapshot):
    market = PropMarketFactory(snapshot=snapshot, line=275.5)
    staff_client.post(f"{URL}lock/")
    markets = "/api/v1/prop-markets/"

    created = staff_client.post(
        markets,
        {
            "snapshot": "nfl-week-5-final",
            "league": "NFL",
            "week": 5,
            "player_name": "A",
            "market_type": "x",
            "line": 1.5,
            "platform": "underdog",
        },
        format="json",
    )
    changed = staff_client.patch(f"{markets}{market.pk}/", {"line": 1.5}, format="json")
    moved = staff_client.patch(f"{markets}{market.pk}/", {"snapshot": None}, format="json")
    deleted = staff_client.delete(f"{markets}{market.pk}/")

    assert [r.status_code for r in (created, changed, moved, deleted)] == [409] * 4
    assert all("nfl-week-5-final" in r.json()["detail"] for r in (created, changed, moved))
    assert list(PropMarket.objects.values_list("line", "snapshot")) == [(275.5, snapshot.pk)]


def test_after_unlock_writes_succeed(staff_client, snapshot):
    staff_client.post(f"{URL}lock/")
    staff_client.post(f"{URL}unlock/")

    response = staff_client.patch(URL, {"name": "Changed"}, format="json")

    assert response.status_code == 200
    assert Snapshot.objects.get(pk=snapshot.pk).name == "Changed"


def test_reads_of_a_locked_snapshot_still_work(user_client, staff_client, snapshot):
    PropMarketFactory(snapshot=snapshot)
    staff_client.post(f"{URL}lock/")

    assert user_client.get(URL).json()["is_locked"] is True
    listed = user_client.get("/api/v1/prop-markets/?snapshot=nfl-week-5-final").json()
    assert len(listed["results"]) == 1

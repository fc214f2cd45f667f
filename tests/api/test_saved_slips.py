"""`saved-slips/`: CRUD of the user's own slips, leg and correlation validation, placing once,
the free-tier cap (also under concurrent creates), filters, fixed query counts."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import SubscriptionTier
from betterbros.api.pagination import StandardPagination
from props.models import SavedSlip
from props.services import TierLimitReached, create_saved_slip
from tests.factories import SavedSlipFactory, SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/saved-slips/"
LEGS = [
    {"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5},
    {"player": "Travis Kelce", "stat": "receptions", "line": 5.5, "direction": "over"},
]


def detail(slip, suffix=""):
    return f"{URL}{slip.pk}/{suffix}"


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_create_takes_the_owner_from_the_request_and_normalizes_leg_odds(client_for, user):
    snapshot = SnapshotFactory()
    legs = [{**LEGS[0], "odds": -110}, LEGS[1]]

    response = client_for(user).post(
        URL,
        {
            "snapshot": snapshot.snapshot_id,
            "legs": legs,
            "correlations": [[1, 0.3], [0.3, 1]],
            "ev": 1.45,
            "stake": 50,
            "platform": "prizepicks",
            "tags": ["week-5"],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["user"], body["is_placed"], body["placed_at"]) == (str(user.pk), False, None)
    assert body["legs"][0]["odds"] == 1.9091
    assert SavedSlip.objects.get(pk=body["id"]).user == user


@pytest.mark.parametrize("field", ["user", "is_placed", "placed_at"])
def test_read_only_fields_in_the_body_are_400(client_for, user, other_user, field):
    value = {"user": str(other_user.pk), "is_placed": True, "placed_at": "2024-10-06T17:00:00Z"}

    response = client_for(user).post(URL, {"legs": LEGS, field: value[field]}, format="json")

    assert response.status_code == 400
    assert response.json() == {field: ["This field is read-only."]}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"legs": []}, "legs"),
        ({"legs": {"player": "x"}}, "legs"),
        ({"legs": [{"player": "X", "stat": "yards"}]}, "legs"),
        ({"legs": [{**LEGS[0], "line": -1}]}, "legs"),
        ({"legs": [{**LEGS[0], "direction": "sideways"}]}, "legs"),
        ({"legs": [{**LEGS[0], "odds": 0.5}]}, "legs"),
        ({"legs": [{**LEGS[0], "probability": 1.5}]}, "legs"),
        ({"legs": [{**LEGS[0], "player": "nul\x00"}]}, "legs"),
        ({"legs": [{**LEGS[0], "surprise": 1}]}, "legs"),
        ({"correlations": [[1, 0.3]]}, "correlations"),
        ({"correlations": [[1, 0.3], [0.2, 1]]}, "correlations"),
        ({"correlations": [[0.9, 0.3], [0.3, 1]]}, "correlations"),
        ({"correlations": [[1, 2], [2, 1]]}, "correlations"),
        ({"correlations": {"a": 1}}, "correlations"),
        ({"stake": -1}, "stake"),
        ({"variance": -0.1}, "variance"),
        ({"platform": "bet365"}, "platform"),
        ({"tags": "week-5"}, "tags"),
        ({"tags": [""]}, "tags"),
        ({"name": "n" * 201}, "name"),
        ({"notes": "n" * 10_001}, "notes"),
        ({"notes": "nul\x00byte"}, "notes"),
        ({"snapshot": "no-such-snapshot"}, "snapshot"),
        ({"slip_name": "typo"}, "slip_name"),
    ],
)
def test_invalid_slip_is_400_with_the_field(client_for, user, changes, field):
    response = client_for(user).post(URL, {"legs": LEGS, **changes}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not SavedSlip.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"legs": [{"player": "A", "stat": "yards", "line": NaN}]}',
        '{"legs": [{"player": "A", "stat": "yards", "line": 1e400}]}',
        '{"legs": [{"player": "A", "stat": "yards", "line": 1}], "ev": Infinity}',
        '{"legs": [{"player": "A", "stat": "yards", "line": 1}], "stake": 1e400}',
        '{"legs": [{"player": "A", "stat": "yards", "line": 1}], "correlations": [[1e400]]}',
        '{"legs": ',
        '["legs"]',
    ],
)
def test_non_finite_numbers_and_malformed_json_are_400(client_for, user, raw):
    response = client_for(user).post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert not SavedSlip.objects.exists()


def test_changing_the_legs_count_must_keep_correlations_square(client_for, user):
    slip = SavedSlipFactory(user=user, correlations=[[1, 0.3], [0.3, 1]])

    response = client_for(user).patch(detail(slip), {"legs": LEGS[:1]}, format="json")

    assert response.status_code == 400
    assert "correlations" in response.json()


def test_place_sets_placed_once_and_the_second_call_is_409(client_for, user):
    slip = SavedSlipFactory(user=user)
    client = client_for(user)

    first = client.post(detail(slip, "place/"))
    second = client.post(detail(slip, "place/"))

    assert first.status_code == 200
    assert first.json()["is_placed"] is True
    assert first.json()["placed_at"]
    assert second.status_code == 409
    assert "already placed" in second.json()["detail"]
    slip.refresh_from_db()
    assert slip.placed_at.isoformat().replace("+00:00", "Z") == first.json()["placed_at"]


def test_placing_another_users_slip_is_404(client_for, user):
    theirs = SavedSlipFactory()

    assert client_for(user).post(detail(theirs, "place/")).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_placed


# --- The free-tier cap ----------------------------------------------------------------------


@pytest.fixture
def cap_of_two(settings):
    settings.FREE_TIER_MAX_SAVED_SLIPS = 2


def test_free_tier_user_beyond_the_cap_is_403_with_a_clear_message(client_for, user, cap_of_two):
    SavedSlipFactory.create_batch(2, user=user)

    response = client_for(user).post(URL, {"legs": LEGS}, format="json")

    assert response.status_code == 403
    assert "at most 2 saved slips" in response.json()["detail"]
    assert SavedSlip.objects.filter(user=user).count() == 2


def test_deleting_a_slip_frees_a_place_under_the_cap(client_for, user, cap_of_two):
    first, _ = SavedSlipFactory.create_batch(2, user=user)
    client = client_for(user)

    client.delete(detail(first))

    assert client.post(URL, {"legs": LEGS}, format="json").status_code == 201


def test_other_users_slips_do_not_count_toward_the_cap(client_for, user, cap_of_two):
    SavedSlipFactory.create_batch(3)

    assert client_for(user).post(URL, {"legs": LEGS}, format="json").status_code == 201


@pytest.mark.parametrize("tier", [SubscriptionTier.PRO, SubscriptionTier.ENTERPRISE])
def test_paid_tiers_have_no_cap(client_for, cap_of_two, tier):
    paying = UserFactory(subscription_tier=tier)
    SavedSlipFactory.create_batch(2, user=paying)

    assert client_for(paying).post(URL, {"legs": LEGS}, format="json").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_cannot_both_pass_the_cap(settings):
    """The second create starts while the first has inserted its slip but not committed: it
    must wait for the user's row lock, then count the first slip and refuse."""
    settings.FREE_TIER_MAX_SAVED_SLIPS = 2
    owner = UserFactory()
    SavedSlipFactory(user=owner)
    result, backend = {}, {}

    def second_create():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend["pid"] = cursor.fetchone()[0]
            result["slip"] = create_saved_slip(user=owner, legs=LEGS)
        except TierLimitReached as exc:
            result["refused"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        create_saved_slip(user=owner, legs=LEGS)
        thread = threading.Thread(target=second_create)
        thread.start()
        blocked = False
        with connection.cursor() as cursor:
            while thread.is_alive() and not blocked:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE pid = %s AND wait_event_type = 'Lock'",
                    [backend.get("pid")],
                )
                blocked = bool(cursor.fetchone()[0])
                time.sleep(0.01)
    thread.join()

    assert "refused" in result, result
    assert SavedSlip.objects.filter(user=owner).count() == 2


# --- Filters and query counts ---------------------------------------------------------------


def test_filters_by_snapshot_platform_placement_and_ev_range(client_for, user):
    snapshot = SnapshotFactory()
    match = SavedSlipFactory(
        user=user, snapshot=snapshot, platform="underdog", is_placed=True, ev=1.2
    )
    SavedSlipFactory(user=user, snapshot=snapshot, platform="underdog", is_placed=True, ev=3.0)
    SavedSlipFactory(user=user, snapshot=snapshot, platform="underdog", is_placed=False, ev=1.2)
    SavedSlipFactory(user=user, platform="prizepicks", ev=1.2)
    client = client_for(user)

    response = client.get(
        URL,
        {
            "snapshot": snapshot.snapshot_id,
            "platform": "underdog",
            "is_placed": "true",
            "ev_min": 1.0,
            "ev_max": 2.0,
        },
    )

    assert ids(response) == [str(match.pk)]


def test_ordering_by_ev(client_for, user):
    low, high = SavedSlipFactory(user=user, ev=0.5), SavedSlipFactory(user=user, ev=2.5)

    assert ids(client_for(user).get(URL, {"ordering": "-ev"})) == [str(high.pk), str(low.pk)]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"is_placed": "maybe"}, "is_placed"),
        ({"platform": "bet365"}, "platform"),
        ({"ev_min": "lots"}, "ev_min"),
        ({"ev_max": "Infinity"}, "ev_max"),
        ({"ordering": "user__password"}, "ordering"),
        ({"page_size": 5, "page": 99}, "detail"),
    ],
)
def test_invalid_filter_is_400_or_404_with_the_reason(client_for, user, params, field):
    response = client_for(user).get(URL, params)

    assert response.status_code in (400, 404)
    assert field in response.json()


def test_page_size_is_capped(client_for, user, monkeypatch):
    SavedSlipFactory.create_batch(3, user=user)
    monkeypatch.setattr(StandardPagination, "max_page_size", 2)

    response = client_for(user).get(URL, {"page_size": 1000})

    assert len(response.json()["results"]) == 2
    assert response.json()["count"] == 3


@pytest.mark.parametrize("page_size", [1, 20])
def test_list_runs_the_same_queries_whatever_the_page_size(client_for, user, page_size):
    snapshot = SnapshotFactory()
    SavedSlipFactory.create_batch(25, user=user, snapshot=snapshot)
    client = client_for(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page_size": page_size})

    assert len(response.json()["results"]) == page_size
    assert len(queries) == 2  # COUNT and the page, snapshots joined


def test_detail_runs_one_query(client_for, user, django_assert_num_queries):
    slip = SavedSlipFactory(user=user, snapshot=SnapshotFactory())
    client = client_for(user)

    with django_assert_num_queries(1):
        client.get(detail(slip))

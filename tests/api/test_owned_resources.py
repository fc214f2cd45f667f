"""What every resource on OwnedModelViewSet promises (experiments/, saved-slips/): a user sees
their own rows and staff see everyone's; another user's row is 404 for every method and stays
as it was."""

import pytest

from tests.factories import ExperimentFactory, SavedSlipFactory

pytestmark = pytest.mark.django_db

SLIP_LEGS = [{"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5}]
OWNED = [
    # (collection URL, factory, a valid body that changes the factory's row)
    pytest.param(
        "/api/v1/experiments/",
        ExperimentFactory,
        {"week": 6, "league": "NBA", "risk_mode": "aggressive", "bankroll": 2500.0},
        id="experiments",
    ),
    pytest.param(
        "/api/v1/saved-slips/",
        SavedSlipFactory,
        {"legs": SLIP_LEGS, "name": "mine now"},
        id="saved-slips",
    ),
]


def ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(("url", "factory", "body"), OWNED)
def test_list_shows_only_own_rows_and_staff_see_all(
    client_for, user, staff_user, url, factory, body
):
    mine = factory(user=user)
    theirs = factory()

    assert ids(client_for(user).get(url)) == [str(mine.pk)]
    assert set(ids(client_for(staff_user).get(url))) == {str(mine.pk), str(theirs.pk)}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize(("url", "factory", "body"), OWNED)
def test_other_users_row_is_404_and_unchanged(client_for, user, url, factory, body, method):
    theirs = factory()
    row = type(theirs).objects.filter(pk=theirs.pk)
    before = row.values().get()

    data = body if method in ("put", "patch") else None  # a GET's data would filter the list
    response = getattr(client_for(user), method)(f"{url}{theirs.pk}/", data, format="json")

    assert response.status_code == 404
    assert row.values().get() == before

"""Cached reads are built on the primary when a replica is configured: a lagging replica would
store the old board under the version a write just bumped."""

import pytest
from rest_framework.test import APIClient

from betterbros.db_router import REPLICA_DB_ALIAS
from tests.factories import UserFactory
from tests.perf.test_replica_router import ROUTERS, replica_database, routed  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA_DB_ALIAS])

URL = "/api/v1/prop-markets/"


@pytest.fixture
def client():
    client = APIClient()
    client.force_authenticate(UserFactory.build())
    return client


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("league=NFL&week=5&is_active=true", id="board-fast-path"),
        pytest.param("league=NFL&week=5&platform=prizepicks", id="filterset"),
    ],
)
def test_list_is_built_from_the_primary(routed, client, query):  # noqa: F811
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200, response.content
    assert [row["player_name"] for row in response.json()["results"]] == ["On Primary"]


def test_compare_is_built_from_the_primary(routed, client):  # noqa: F811
    response = client.get(f"{URL}compare/?league=NFL&week=5&min_platforms=1")

    assert response.status_code == 200, response.content
    assert [group["player_name"] for group in response.json()["results"]] == ["On Primary"]

"""The all-changes list counts the matching versions alone: the old → new columns' subqueries
run for the listed page only, never for every counted row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from props.services import update_market
from tests.factories import PropMarketFactory

from .conftest import changelist_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["?league__exact=NFL&week=5", "?q=Player", "?platform__exact=prizepicks"]
)
def test_the_history_list_counts_versions_without_the_previous_version_subqueries(
    staff_client, staff_user, query
):
    for market in PropMarketFactory.create_batch(3, league="NFL", week=5):
        update_market(market=market, user=staff_user, line=market.line + 1)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(changelist_url("historicalpropmarket") + query)

    assert response.status_code == 200
    assert "→" in response.content.decode()  # the page itself still shows old → new
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts
    for sql in counts:
        assert 'FROM "prop_markets_history" U0' not in sql, sql  # no correlated subquery

"""The changelist paginator counts small results exactly and estimates big ones without
COUNTing the table (the limit is lowered here so that a few rows are "big")."""

import pytest
from django.db import connection
from django.urls import reverse

from props.admin import paginator
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db

MARKETS = reverse("admin:props_propmarket_changelist")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(paginator, "EXACT_COUNT_LIMIT", 5)


@pytest.fixture
def twelve_markets():
    PropMarketFactory.create_batch(8, league="NFL")
    PropMarketFactory.create_batch(4, league="NBA")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE prop_markets")


def changelist(client, query=""):
    return client.get(MARKETS + query).context["cl"]


def test_the_unfiltered_table_size_comes_from_the_statistics(
    staff_client, small_limit, twelve_markets
):
    cl = changelist(staff_client)
    assert cl.paginator.is_estimate
    assert cl.result_count == 12


def test_a_big_filtered_result_is_the_planners_estimate(staff_client, small_limit, twelve_markets):
    cl = changelist(staff_client, "?league__exact=NFL")
    assert cl.paginator.is_estimate
    assert cl.result_count >= 6  # at least the rows it counted before giving up


def test_a_small_filtered_result_is_counted_exactly(staff_client, small_limit, twelve_markets):
    cl = changelist(staff_client, "?league__exact=NBA")
    assert not cl.paginator.is_estimate
    assert cl.result_count == 4


def test_below_the_limit_the_unfiltered_table_is_counted_exactly(staff_client, twelve_markets):
    cl = changelist(staff_client)
    assert not cl.paginator.is_estimate
    assert cl.result_count == 12

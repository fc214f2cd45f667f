"""Odds staff type in the admin (list rows and the change page): `+150` is American odds, a bare
150 is refused naming both readings and changes nothing, and the list shows odds as staff read
them, decimal with the American equivalent beside it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from props.models import PropMarket
from tests.factories import PropMarketFactory

from .conftest import changelist_url, post_rows
from .test_prop_market_admin import form_data

pytestmark = pytest.mark.django_db

AMBIGUOUS_150 = (
    "150 is ambiguous: decimal odds 150.0, or American odds +150 (2.5 decimal). "
    "Type +150 for American odds or 150.0 for decimal odds."
)


def change_url(market):
    return reverse("admin:props_propmarket_change", args=[market.pk])


def page_text(response):
    return response.content.decode()


@pytest.mark.parametrize(("typed", "stored"), [("+150", 2.5), ("-110", 1.9091), ("150.0", 150.0)])
def test_a_list_row_takes_odds_with_their_sign_as_american(staff_client, typed, stored):
    market = PropMarketFactory(odds=1.9)
    response = post_rows(staff_client, [(market, {"odds": typed})])
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.odds == stored


def test_a_bare_150_in_a_list_row_is_refused_with_both_readings_and_saves_nothing(staff_client):
    market, other = PropMarketFactory.create_batch(2, odds=1.9, line=10.5)
    response = post_rows(staff_client, [(market, {"odds": "150"}), (other, {"line": 11.5})])
    assert response.status_code == 200
    assert AMBIGUOUS_150 in page_text(response)
    market.refresh_from_db()
    other.refresh_from_db()
    assert (market.odds, other.line) == (1.9, 10.5)
    assert market.history.count() == other.history.count() == 1


@pytest.mark.parametrize(("typed", "stored"), [("+150", 2.5), ("-110", 1.9091), ("2.5", 2.5)])
def test_the_change_page_takes_odds_with_their_sign_as_american(staff_client, typed, stored):
    market = PropMarketFactory(odds=None)
    response = staff_client.post(change_url(market), form_data(market, odds=typed))
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.odds == stored


def test_a_bare_150_on_the_change_page_is_refused_with_both_readings(staff_client):
    market = PropMarketFactory(odds=1.9)
    response = staff_client.post(change_url(market), form_data(market, odds="150"))
    assert response.status_code == 200
    assert AMBIGUOUS_150 in page_text(response)
    market.refresh_from_db()
    assert market.odds == 1.9


def test_the_separate_american_odds_input_still_works(staff_client):
    market = PropMarketFactory(odds=1.9)
    response = staff_client.post(change_url(market), form_data(market, american_odds=150))
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.odds == 2.5


def test_the_list_shows_decimal_odds_with_the_american_equivalent_beside_the_input(
    staff_client,
):
    PropMarketFactory(odds=1.9091, player_name="Josh Allen")
    PropMarketFactory(odds=None, player_name="Pick Em")
    page = page_text(staff_client.get(changelist_url("propmarket")))
    assert 'value="1.9091"' in page
    assert '<span class="american-odds">(\u2212110)</span>' in page
    assert page.count('class="american-odds"') == 1  # a market without odds shows none


def test_stored_decimal_odds_of_100_or_more_show_with_a_decimal_point_and_save_unchanged(
    staff_client,
):
    market = PropMarketFactory(odds=150.0, line=10.5)
    page = page_text(staff_client.get(changelist_url("propmarket")))
    assert 'value="150.0"' in page
    # The row posted back as shown (only the line edited) saves: its odds are not ambiguous.
    response = post_rows(staff_client, [(market, {"odds": "150.0", "line": 11.5})])
    assert response.status_code == 302
    market.refresh_from_db()
    assert (market.odds, market.line) == (150.0, 11.5)


def test_a_row_posted_back_unchanged_writes_no_history(staff_client):
    market = PropMarketFactory(odds=1.9091)
    post_rows(staff_client, [(market, {"odds": "1.9091"})])
    assert PropMarket.history.filter(id=market.pk).count() == 1


def constraint_checks(staff_client, rows):
    with CaptureQueriesContext(connection) as queries:
        assert post_rows(staff_client, rows).status_code == 302
    return sum('"_check"' in query["sql"] for query in queries.captured_queries)


def test_an_inline_save_validates_only_the_rows_that_changed(staff_client):
    markets = PropMarketFactory.create_batch(10, line=10.5)
    one_of_one = constraint_checks(staff_client, [(markets[0], {"line": 11.5})])
    one_of_ten = constraint_checks(
        staff_client, [(markets[0], {"line": 12.5}), *[(m, {}) for m in markets[1:]]]
    )
    assert one_of_one > 0
    assert one_of_ten == one_of_one

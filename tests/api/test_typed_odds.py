"""The API's `odds` as a person gives them: "+150" is American odds, a whole number of 100 or
more without a sign is refused as ambiguous (400 naming both readings, nothing written), and a
decimal point makes it decimal."""

import pytest

from props.models import PropMarket
from tests.factories import PropMarketFactory

from .test_prop_markets import URL, detail, new_market

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("odds", "stored"),
    [("+150", 2.5), ("-110", 1.9091), (-110, 1.9091), (150.0, 150.0), ("150.0", 150.0), ("", None)],
)
def test_odds_with_a_plus_are_american_and_with_a_decimal_point_decimal(staff_client, odds, stored):
    response = staff_client.post(URL, new_market(odds=odds), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["odds"] == stored


@pytest.mark.parametrize("odds", [150, "150"])
def test_a_whole_number_of_100_or_more_is_refused_with_both_readings(staff_client, odds):
    response = staff_client.post(URL, new_market(odds=odds), format="json")

    assert response.status_code == 400
    assert response.json()["odds"] == [
        "150 is ambiguous: decimal odds 150.0, or American odds +150 (2.5 decimal). "
        "Type +150 for American odds or 150.0 for decimal odds."
    ]
    assert not PropMarket.objects.exists()


def test_a_patch_with_ambiguous_odds_changes_nothing(staff_client):
    market = PropMarketFactory(odds=1.9)

    response = staff_client.patch(detail(market), {"odds": 200}, format="json")

    assert response.status_code == 400
    assert "200 is ambiguous" in response.json()["odds"][0]
    market.refresh_from_db()
    assert market.odds == 1.9


def test_a_patch_with_plus_odds_stores_their_decimal(staff_client):
    market = PropMarketFactory(odds=1.9)

    response = staff_client.patch(detail(market), {"odds": "+200"}, format="json")

    assert response.status_code == 200, response.content
    market.refresh_from_db()
    assert market.odds == 3.0


@pytest.mark.parametrize(("odds", "reason"), [("+50", "is not American odds"), ("x", "number")])
def test_odds_outside_the_rule_are_a_400_on_odds(staff_client, odds, reason):
    response = staff_client.post(URL, new_market(odds=odds), format="json")

    assert response.status_code == 400
    assert reason in response.json()["odds"][0]

"""Movers' next page continues the window its first page was counted in, also when `since` was
left to its default (the last 24 hours, which moves on with the clock)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from props.services import update_market
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/prop-markets/movers/"


def test_the_next_link_carries_the_window_of_the_default_since(client_for, staff_user):
    for line in (250.5, 60.5):
        market = PropMarketFactory(league="NFL", week=5, line=line)
        update_market(market=market, user=staff_user, line=line + 1)

    first = client_for(staff_user).get(URL + "?league=NFL&week=5&limit=1").json()

    query = parse_qs(urlsplit(first["next"]).query)
    assert query["since"] == [first["since"].replace("Z", "+00:00")]
    second = client_for(staff_user).get(first["next"]).json()
    assert second["since"] == first["since"]
    assert len(first["results"] + second["results"]) == 2

"""Market types read as the catalogue's labels, and each history version names its board."""

import re

import pytest
from django.urls import reverse

from props import catalogue
from props.services import update_market
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import changelist_url

pytestmark = pytest.mark.django_db


def test_every_catalogued_market_type_has_a_label():
    codes = {code for markets in catalogue.MARKETS.values() for code in markets}
    assert codes - set(catalogue.LABELS) == set()
    assert catalogue.market_label("runs_batted_in") == "RBIs"
    assert catalogue.market_label("threes_made") == "3-pointers made"
    # A type a feed gave that the catalogue does not know still reads as words.
    assert catalogue.market_label("longest_reception") == "Longest reception"


def test_the_list_shows_the_catalogue_label_with_the_code_on_hover(staff_client):
    PropMarketFactory(market_type="points_rebounds_assists", league="NBA")
    content = staff_client.get(changelist_url("propmarket") + "?board=all").content.decode()
    assert '<span title="points_rebounds_assists">Pts + reb + ast</span>' in content


def board_cells(page):
    """The history table's "board" column, newest version first."""
    table = re.search(r'<table id="change-history".*?</table>', page, re.S).group(0)
    headers = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)
    ]
    column = headers.index("board")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column].strip() for row in rows]


def test_the_history_page_names_each_versions_board(staff_client, staff_user):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-open")
    live = PropMarketFactory()
    update_market(market=live, user=staff_user, line=280.5)
    copy = PropMarketFactory(snapshot=snapshot)

    live_page = staff_client.get(reverse("admin:props_propmarket_history", args=[live.pk]))
    copy_page = staff_client.get(reverse("admin:props_propmarket_history", args=[copy.pk]))

    live_text, copy_text = live_page.content.decode(), copy_page.content.decode()
    assert board_cells(live_text) == ["live board", "live board"]
    assert board_cells(copy_text) == ["nfl-week-5-open"]

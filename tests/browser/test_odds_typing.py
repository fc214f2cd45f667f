"""Odds typed by staff in a real browser: `+150` in the list or on the change page is stored as
decimal 2.5 and shown back as "2.5 (+150)"; a bare 150 is refused naming both readings."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PropMarketFactory

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKETS = reverse("admin:props_propmarket_changelist")
AMBIGUOUS_150 = (
    "150 is ambiguous: decimal odds 150.0, or American odds +150 (2.5 decimal). "
    "Type +150 for American odds or 150.0 for decimal odds."
)


def odds_cell(page, row):
    return page.locator(f"#id_form-{row}-odds").locator("xpath=..")


def test_plus_150_typed_in_the_list_is_stored_as_2_5_and_shown_with_its_american_odds(
    staff_page,
):
    market = PropMarketFactory(player_name="Josh Allen", odds=1.9091)
    page = staff_page
    page.goto(MARKETS)
    expect(odds_cell(page, 0)).to_contain_text("(\u2212110)")
    expect(page.locator("#id_form-0-odds")).to_have_value("1.9091")

    page.locator("#id_form-0-odds").fill("+150")
    page.get_by_role("button", name="Save").first.click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    market.refresh_from_db()
    assert market.odds == 2.5
    expect(page.locator("#id_form-0-odds")).to_have_value("2.5")
    expect(odds_cell(page, 0)).to_contain_text("(+150)")
    shot(page, "odds-typed-plus-150-in-list")


def test_a_bare_150_typed_in_the_list_is_refused_with_both_readings(staff_page):
    market = PropMarketFactory(player_name="Josh Allen", odds=1.9091)
    page = staff_page
    page.goto(MARKETS)

    page.locator("#id_form-0-odds").fill("150")
    page.get_by_role("button", name="Save").first.click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text(AMBIGUOUS_150)
    expect(page.locator(".messagelist .success")).to_have_count(0)
    market.refresh_from_db()
    assert market.odds == 1.9091
    shot(page, "odds-bare-150-refused-in-list")


def test_plus_150_typed_on_the_change_page_is_stored_as_2_5(staff_page):
    market = PropMarketFactory(player_name="Josh Allen", odds=None)
    page = staff_page
    page.goto(reverse("admin:props_propmarket_change", args=[market.pk]))

    page.locator("#id_odds").fill("150")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errorlist")).to_contain_text(AMBIGUOUS_150)
    market.refresh_from_db()
    assert market.odds is None
    shot(page, "odds-bare-150-refused-on-change-page")

    page.locator("#id_odds").fill("+150")
    page.locator("input[name=_continue]").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    market.refresh_from_db()
    assert market.odds == 2.5
    expect(page.locator("#id_odds")).to_have_value("2.5")
    expect(page.locator("#id_odds").locator("xpath=..")).to_contain_text("(+150)")
    shot(page, "odds-typed-plus-150-on-change-page")

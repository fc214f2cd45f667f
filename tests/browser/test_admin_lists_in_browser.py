"""The market list as staff use it all day, in Chromium (issue 10, points 1, 3, 4, 5 and 8):
every row reachable page by page, the live board by default, search by part of a name, the
page size, Enter saving the rows, and a list that fits 1440 px."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from betterbros import admin_paging as paginator
from props.models import PropMarket
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import ARTIFACTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKETS = reverse("admin:props_propmarket_changelist")


def result_rows(page):
    return page.locator("#result_list tbody tr")


def names_on(page):
    return page.locator("#result_list tbody th a").all_inner_texts()


@pytest.fixture
def small_exact_count(monkeypatch):
    """Lists of more than 5 rows are 'big': counted by estimate, paged by keyset."""
    monkeypatch.setattr(paginator, "EXACT_COUNT_LIMIT", 5)


def test_next_reaches_every_row_and_last_is_the_real_last_page(staff_page, small_exact_count):
    for i in range(60):
        PropMarketFactory(
            league="NFL",
            week=5,
            player_name=f"Player {i:02d}",
            game_date=datetime(2024, 9, 8, tzinfo=UTC),
        )
    PropMarketFactory.create_batch(3, league="NBA", week=5)
    page = staff_page
    page.goto(MARKETS + "?league__exact=NFL&week=5&n=25")
    expect(page.locator(".paginator .result-count")).to_have_text(
        re.compile(r"^(about|more than) ")
    )
    seen = names_on(page)
    shot(page, "keyset-first-page")
    while page.locator("a.next-page").count():
        # Read the rows once the next page has loaded, not while it is still arriving.
        with page.expect_navigation():
            page.click("a.next-page")
        seen += names_on(page)
    assert sorted(seen) == [f"Player {i:02d}" for i in range(60)]
    assert "league__exact=NFL" in page.url and "week=5" in page.url
    expect(page.locator("a.previous-page")).to_be_visible()

    page.goto(MARKETS + "?league__exact=NFL&week=5&n=25")
    page.click("a.last-page")
    expect(result_rows(page).last).to_contain_text("Player 59")
    expect(page.locator("a.next-page")).to_have_count(0)
    shot(page, "keyset-last-page")
    page.click("a.previous-page")
    expect(result_rows(page).last).to_contain_text("Player 34")


def test_a_page_past_the_end_shows_the_last_page_and_keeps_the_filters(staff_page):
    for i in range(30):
        PropMarketFactory(league="NFL", player_name=f"Player {i:02d}")
    PropMarketFactory(league="NBA", player_name="Jayson Tatum")
    page = staff_page
    page.goto(MARKETS + "?league__exact=NFL&n=25&p=170")
    assert "e=1" not in page.url
    expect(page.locator(".messagelist")).to_contain_text("There is no page 170 of this list")
    expect(result_rows(page)).to_have_count(5)
    expect(page.locator(".paginator .result-count")).to_have_text("30")  # exact: no "about"
    expect(page.locator("#result_list")).not_to_contain_text("Jayson Tatum")
    shot(page, "page-past-the-end")


def test_the_list_opens_on_the_live_board_and_the_filter_can_be_removed(staff_page, staff):
    locked = SnapshotFactory(snapshot_id="nfl-week-5-final")
    PropMarketFactory(player_name="Live Player", league="NFL", week=5)
    PropMarketFactory(player_name="Copied Player", league="NFL", week=5, snapshot=locked)
    lock_snapshot(snapshot=locked, user=staff)
    page = staff_page
    page.goto(MARKETS)
    expect(page.locator("#live-board-notice")).to_contain_text("live board")
    board_filter = page.locator("#changelist-filter details[data-filter-title=board]")
    expect(board_filter.locator("li.selected")).to_have_text("Live board")
    expect(result_rows(page)).to_have_count(1)
    expect(result_rows(page).first).to_contain_text("Live Player")
    shot(page, "live-board-default")

    page.click("#show-all-boards")
    expect(result_rows(page)).to_have_count(2)
    expect(board_filter.locator("li.selected")).to_have_text("All boards")
    locked_row = result_rows(page).filter(has_text="Copied Player")
    expect(locked_row.locator(".locked-board")).to_have_text("nfl-week-5-final")
    assert "is locked" in locked_row.locator(".locked-board").get_attribute("title")

    # Select all (live and locked copy) → deactivate: the live one changes, the copy is left
    # out and the message says so.
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "deactivate")
    page.locator("button[name=index]").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 prop market(s)")
    expect(page.locator(".messagelist .warning")).to_contain_text("1 prop market(s) left out")
    expect(page.locator(".messagelist .warning")).to_contain_text("nfl-week-5-final")
    assert not PropMarket.objects.get(player_name="Live Player").is_active
    assert PropMarket.objects.get(player_name="Copied Player").is_active
    shot(page, "bulk-action-leaves-locked-out")


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("mahom", "Patrick Mahomes"),
        ("GIBSON", "Antonio Gibson"),
        ("gainwell", "Kénneth Gáinwell"),
        ("KC", "Patrick Mahomes"),
        ("kc-week-5", "Snapshot Player"),
    ],
)
def test_search_by_part_of_a_name_any_case_without_accents_a_team_or_a_slug(
    staff_page, term, found
):
    PropMarketFactory(player_name="Patrick Mahomes", team="KC")
    PropMarketFactory(player_name="Antonio Gibson", team="NE")
    PropMarketFactory(player_name="Kénneth Gáinwell", team="PHI")
    PropMarketFactory(
        player_name="Snapshot Player", team="DAL", snapshot=SnapshotFactory(snapshot_id="kc-week-5")
    )
    page = staff_page
    page.goto(MARKETS)
    page.fill("#searchbar", term)
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r"q="))
    expect(result_rows(page)).to_have_count(1)
    expect(result_rows(page).first).to_contain_text(found)
    shot(page, f"search-{term}")


def test_page_size_is_chosen_and_kept_when_filtering(staff_page):
    PropMarketFactory.create_batch(60, league="NFL", week=5)
    PropMarketFactory.create_batch(3, league="NBA", week=5)
    page = staff_page
    page.goto(MARKETS)
    page.locator(".paginator").get_by_role("link", name="25", exact=True).click()
    expect(result_rows(page)).to_have_count(25)
    page.locator("#changelist-filter").get_by_role("link", name="NFL").click()
    page.wait_for_url(re.compile(r"league__exact=NFL"))
    assert "n=25" in page.url
    expect(result_rows(page)).to_have_count(25)
    page.locator(".paginator").get_by_role("link", name="500", exact=True).click()
    expect(result_rows(page)).to_have_count(60)
    assert "league__exact=NFL" in page.url
    expect(page.locator(".paginator strong.page-size")).to_have_text("500")


def test_enter_in_an_inline_field_saves_the_rows_not_the_action(staff_page):
    market = PropMarketFactory(
        player_name="Patrick Mahomes", market_type="passing_yards", line=270.5
    )
    page = staff_page
    page.goto(MARKETS)
    page.select_option("select[name=action]", "deactivate")  # an action chosen by mistake
    line = page.locator("#id_form-0-line")
    line.fill("275.5")
    line.press("Enter")
    expect(page.locator(".messagelist .success")).to_have_text(
        "Patrick Mahomes — Passing yards 275.5 changed (line 270.5 → 275.5)."
    )
    market.refresh_from_db()
    assert market.line == 275.5 and market.is_active
    shot(page, "enter-saves-inline")


def test_the_list_fits_1440_px_with_labels_one_line_boards_and_the_site_name(
    chromium, live_server, staff, staff_user_login
):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    try:
        staff_user_login(page)
        locked = SnapshotFactory(snapshot_id="nfl-week-5-2024-final-lines")
        PropMarketFactory(
            player_name="Christian McCaffrey-Longname",
            market_type="rushing_yards",
            platform="pick6",
            snapshot=locked,
            league="NFL",
            week=5,
            team="SF",
            game_date=datetime(2024, 10, 6, 20, 25, tzinfo=UTC),
        )
        lock_snapshot(snapshot=locked, user=staff)
        PropMarketFactory(player_name="Patrick Mahomes", market_type="passing_yards", team="KC")
        page.goto(MARKETS + "?board=all")
        expect(page).to_have_title(re.compile(r"\| BetterBros Props$"))
        expect(page.locator("#site-name")).to_have_text("BetterBros Props")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "market-list-1440.png")
        results = page.locator("#changelist .results")
        assert results.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1440, f"the page is {width}px wide"
        for header in ["League", "Week", "Team", "Game date"]:
            cell = page.locator("#result_list thead th", has_text=header)
            box = cell.bounding_box()
            assert box and box["x"] + box["width"] <= 1440, header
        label = page.locator("#result_list td span[title=passing_yards]")
        expect(label).to_have_text("Passing yards")
        board = page.locator(".locked-board")
        line_height = page.evaluate(
            "el => parseFloat(getComputedStyle(el).lineHeight) || 20", board.element_handle()
        )
        assert board.bounding_box()["height"] < 2 * line_height  # one line
        locked_row = result_rows(page).filter(has_text="McCaffrey")
        assert locked_row.locator("td").first.evaluate(
            "el => getComputedStyle(el).backgroundColor"
        ) != (
            result_rows(page)
            .filter(has_text="Mahomes")
            .locator("td")
            .first.evaluate("el => getComputedStyle(el).backgroundColor")
        )
        expect(locked_row.locator("input[name$=line]")).to_be_disabled()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "market-list-1440.png")
    finally:
        context.close()


@pytest.fixture
def staff_user_login(staff):
    from tests.factories import DEFAULT_PASSWORD

    from .conftest import log_in

    return lambda page: log_in(page, staff.email, DEFAULT_PASSWORD)

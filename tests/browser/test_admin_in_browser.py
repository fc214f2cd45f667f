"""The admin in a real browser: what staff do all day, click by click."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from props.models import PropMarket, Snapshot
from tests.factories import DEFAULT_PASSWORD, PropMarketFactory, SnapshotFactory
from tests.jobs.eager import run_tasks_eagerly

from .conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKETS = reverse("admin:props_propmarket_changelist")


def result_rows(page):
    return page.locator("#result_list tbody tr")


def test_staff_log_in_with_email_and_password(page, staff):
    log_in(page, staff.email, DEFAULT_PASSWORD)
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_role("link", name="Prop markets", exact=True)).to_be_visible()
    shot(page, "login-home")


def test_a_wrong_password_is_refused(page, staff):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", staff.email)
    page.fill("#id_password", "not-the-password")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_be_visible()


def test_filter_props_by_league_and_week(staff_page):
    PropMarketFactory(league="NFL", week=5, player_name="Josh Allen")
    PropMarketFactory(league="NFL", week=6, player_name="Week Six Player")
    PropMarketFactory(league="NBA", week=5, player_name="Jayson Tatum")
    page = staff_page
    page.goto(MARKETS)
    expect(result_rows(page)).to_have_count(3)
    page.locator("#changelist-filter").get_by_role("link", name="NFL").click()
    expect(result_rows(page)).to_have_count(2)
    week_box = page.locator("#changelist-filter input[name=week]")
    week_box.fill("5")
    week_box.press("Enter")
    page.wait_for_url(re.compile(r"week=5"))
    expect(result_rows(page)).to_have_count(1)
    expect(result_rows(page).first).to_contain_text("Josh Allen")
    assert "league__exact=NFL" in page.url
    shot(page, "filter-league-week")


def test_edit_a_line_inline_and_see_it_in_history(staff_page, staff):
    market = PropMarketFactory(player_name="Josh Allen", line=265.5)
    page = staff_page
    page.goto(MARKETS)
    line = page.locator("#id_form-0-line")
    line.fill("270.5")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text("Josh Allen — ")
    market.refresh_from_db()
    assert market.line == 270.5

    page.get_by_role("link", name="Josh Allen").click()
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history")
    expect(history).to_contain_text("270.5")
    expect(history).to_contain_text("265.5")
    expect(history).to_contain_text(staff.email)
    shot(page, "inline-edit-history")


def test_lock_a_snapshot_then_its_props_are_read_only_until_unlocked(staff_page, staff):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    PropMarketFactory(snapshot=snapshot, player_name="Josh Allen", line=265.5)
    page = staff_page

    page.goto(reverse("admin:props_snapshot_changelist"))
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "lock_selected")
    page.locator("button[name=index]").first.click()
    expect(page.locator("#content")).to_contain_text("Lock these snapshots?")
    shot(page, "lock-confirmation")
    page.click("#confirm-lock")
    expect(page.locator(".messagelist .success")).to_contain_text("Locked: nfl-week-5-final.")
    snapshot.refresh_from_db()
    assert snapshot.is_locked and snapshot.locked_by == staff

    page.goto(MARKETS + f"?snapshot__id__exact={snapshot.pk}")
    expect(page.locator("#id_form-0-line")).to_be_disabled()
    expect(page.locator(".locked-board")).to_be_visible()
    shot(page, "locked-markets-list")
    page.get_by_role("link", name="Josh Allen").click()
    expect(page.locator("#lock-notice")).to_contain_text("is locked")
    expect(page.locator("#lock-notice")).to_contain_text(staff.email)
    expect(page.locator("input[name=_save]")).to_have_count(0)
    shot(page, "locked-market-page")

    page.goto(reverse("admin:props_snapshot_change", args=[snapshot.pk]))
    expect(page.locator("#lock-notice")).to_be_visible()
    page.click("a.unlock-link")
    page.click("#confirm-lock")
    expect(page.locator(".messagelist .success")).to_contain_text("Unlocked: nfl-week-5-final.")
    page.goto(MARKETS + f"?snapshot__id__exact={snapshot.pk}")
    expect(page.locator("#id_form-0-line")).to_be_enabled()
    snapshot.refresh_from_db()
    assert not snapshot.is_locked


def test_import_a_small_file_through_the_preview(staff_page, tmp_path, settings, monkeypatch):
    settings.ADMIN_IMPORT_DIR = tmp_path / "uploads"
    # The confirmed import is a background job, run eagerly here (as without a broker).
    settings.JOB_FILES_ROOT = tmp_path / "job-files"
    run_tasks_eagerly(monkeypatch)
    board = tmp_path / "nfl-week-5.csv"
    board.write_text(
        "platform,external_id,league,week,player_name,market_type,line,odds\n"
        "prizepicks,pp-1,NFL,5,Josh Allen,passing_yards,265.5,-110\n"
        "prizepicks,pp-2,NFL,5,James Cook,rushing_yards,70.5,\n"
    )
    page = staff_page
    page.goto(MARKETS)
    page.click("a.import-link")
    page.set_input_files("input[name=file]", str(board))
    page.click("#preview-import")
    expect(page.locator("#import-preview")).to_contain_text("nothing written yet")
    expect(page.locator("#import-counts td.created")).to_have_text("2")
    expect(page.locator("#import-counts td.rejected")).to_have_text("0")
    assert not PropMarket.objects.exists()
    shot(page, "import-preview")
    page.click("#confirm-import")
    expect(page.locator("#job-summary")).to_contain_text("Imported nfl-week-5.csv: 2 created")
    page.click("#job-result-link")
    expect(result_rows(page)).to_have_count(2)
    assert PropMarket.objects.get(external_id="pp-1").odds == 1.9091
    assert Snapshot.objects.count() == 0

"""Bulk edits with their confirmation page and reason, and the refused paths of locked
snapshots, as staff see them in Chromium."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from props.models import PropMarket
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKETS = reverse("admin:props_propmarket_changelist")
CHANGES = reverse("admin:props_historicalpropmarket_changelist")


def run_action(page, action):
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").first.click()


def test_shift_lines_in_bulk_confirm_with_a_reason_and_read_it_in_history(staff_page, staff):
    PropMarketFactory(player_name="Josh Allen", line=265.5)
    PropMarketFactory(player_name="James Cook", line=70.5)
    page = staff_page
    page.goto(MARKETS)
    page.locator("#action-toggle").check()
    run_action(page, "edit_selected")
    expect(page.locator("#content")).to_contain_text("Change 2 selected prop markets")
    page.get_by_label("Shift the line by (±)").check()
    page.fill("input[name=shift]", "-1.5")
    page.click("input[name=preview]")

    expect(page.locator("#bulk-count")).to_contain_text("2 prop markets selected.")
    sample = page.locator("#bulk-sample")
    expect(sample).to_contain_text("265.5")
    expect(sample).to_contain_text("→ 264")
    assert PropMarket.objects.get(player_name="Josh Allen").line == 265.5  # not yet
    page.fill("input[name=reason]", "injury news")
    shot(page, "bulk-edit-confirmation")
    page.locator("#bulk-confirmation input[type=submit]").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "2 prop market(s) line shifted by -1.5."
    )
    assert sorted(PropMarket.objects.values_list("line", flat=True)) == [69.0, 264.0]

    page.goto(CHANGES + "?q=allen")
    first = page.locator("#result_list tbody tr").first
    expect(first).to_contain_text("line shifted by -1.5 in admin: injury news")
    expect(first).to_contain_text("265.5 → 264")
    expect(first).to_contain_text(staff.email)
    shot(page, "history-with-reason")


def test_a_selection_with_locked_markets_changes_the_rest_and_says_why(staff_page, staff):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    PropMarketFactory(snapshot=snapshot, player_name="Josh Allen", is_active=True)
    PropMarketFactory(player_name="James Cook", is_active=True)
    lock_snapshot(snapshot=snapshot, user=staff)
    page = staff_page
    page.goto(MARKETS + "?board=all")
    page.locator("#action-toggle").check()
    run_action(page, "deactivate")
    expect(page.locator(".messagelist .success")).to_contain_text("1 prop market(s) deactivated.")
    expect(page.locator(".messagelist .warning")).to_contain_text(
        "1 prop market(s) left out: they are in locked snapshot(s) 'nfl-week-5-final'"
    )
    shot(page, "bulk-left-out")
    assert PropMarket.objects.get(player_name="Josh Allen").is_active


def test_refused_paths_show_the_lock_notice_and_no_button_that_cannot_work(staff_page, staff):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-final")
    market = PropMarketFactory(snapshot=snapshot, player_name="Josh Allen", line=265.5)
    lock_snapshot(snapshot=snapshot, user=staff)
    version = market.history.earliest()
    page = staff_page
    paths = {
        "market-delete": reverse("admin:props_propmarket_delete", args=[market.pk]),
        "snapshot-delete": reverse("admin:props_snapshot_delete", args=[snapshot.pk]),
        "market-revert": reverse(
            "admin:props_propmarket_simple_history", args=[market.pk, version.history_id]
        ),
    }
    for name, path in paths.items():
        page.goto(path)
        notice = page.locator("#lock-notice")
        expect(notice).to_contain_text("is locked")
        expect(notice).to_contain_text(f"Locked by {staff.email}")
        expect(page.locator("#content input[type=submit]")).to_have_count(0)
        expect(page.locator("#content button[type=submit]")).to_have_count(0)
        shot(page, f"refused-{name}")
    expect(page.locator("input[name=line]")).to_have_count(0)  # the old version, read-only
    assert PropMarket.objects.filter(pk=market.pk, line=265.5).exists()

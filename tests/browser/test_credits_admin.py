"""Credits in the admin, in a real browser: the balance read-only, "Adjust credits…" and
"Transfer credits…" through the ledger's services, the user's ledger on the user page (newest
first, paginated), and the Credit transactions list filtered and searched."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import CreditTransaction, User
from accounts.services import grant_credits
from tests.factories import UserFactory

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEDGER = reverse("admin:accounts_credittransaction_changelist")


def user_page(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_the_balance_is_read_only_and_adjusting_needs_a_reason(staff_page, staff):
    user = UserFactory(email="pat@example.com", credits=10)
    page = staff_page
    page.goto(user_page(user))
    expect(page.locator("input[name=credits]")).to_have_count(0)
    expect(page.locator(".field-credits .readonly")).to_have_text("10.00")

    page.get_by_role("link", name="Adjust credits…").click()
    page.fill("#id_amount", "-4.50")
    page.get_by_role("button", name="Adjust").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required.")
    page.fill("#id_reason", "Duplicate welcome grant")
    page.get_by_role("button", name="Adjust").click()

    page.wait_for_url(re.compile(re.escape(user_page(user)) + "$"))
    expect(page.locator(".messagelist")).to_contain_text("by -4.50 (now 5.50)")
    expect(page.locator(".field-credits .readonly")).to_have_text("5.50")
    first_row = page.locator("#credits-ledger .ledger-row").first
    expect(first_row).to_contain_text("Adjustment")
    expect(first_row).to_contain_text("Duplicate welcome grant")
    expect(first_row).to_contain_text(staff.email)
    shot(page, "credits-adjusted")
    row = CreditTransaction.objects.get(user=user, kind="adjustment")
    assert (row.amount, row.actor_id) == (Decimal("-4.50"), staff.pk)


def test_an_adjustment_below_zero_is_refused_with_the_reason(staff_page):
    user = UserFactory(credits=3)
    page = staff_page
    page.goto(reverse("admin:accounts_user_adjust_credits", args=[user.pk]))
    page.fill("#id_amount", "-5")
    page.fill("#id_reason", "too much")
    page.get_by_role("button", name="Adjust").click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("3.00 credits available")
    user.refresh_from_db()
    assert user.credits == Decimal("3.00")


def test_transfer_credits_between_users(staff_page):
    sender = UserFactory(email="sender@example.com", credits=50)
    recipient = UserFactory(email="recipient@example.com")
    page = staff_page
    page.goto(user_page(sender))
    page.get_by_role("link", name="Transfer credits…").click()
    page.fill("#id_recipient", "RECIPIENT@example.com")
    page.fill("#id_amount", "20")
    page.fill("#id_reason", "Shared account")
    page.get_by_role("button", name="Transfer").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Moved 20.00 credits from sender@example.com (now 30.00) to recipient@example.com "
        "(now 20.00)"
    )
    expect(page.locator("#credits-ledger .ledger-row").first).to_contain_text("Transfer out")
    shot(page, "credits-transferred")
    assert User.objects.get(pk=recipient.pk).credits == Decimal("20.00")
    call_command("check_credits")


def test_a_double_submitted_adjustment_is_recorded_once(staff_page):
    user = UserFactory(credits=1)
    page = staff_page
    page.goto(reverse("admin:accounts_user_adjust_credits", args=[user.pk]))
    page.fill("#id_amount", "10")
    page.fill("#id_reason", "goodwill")
    form = page.locator("form").last
    data = {
        field: form.locator(f"[name={field}]").input_value()
        for field in ("csrfmiddlewaretoken", "idempotency_key", "amount", "reason")
    }
    url = page.url
    for _ in range(2):  # the same form posted twice, as a double click or a resend would
        page.request.post(url, form=data, headers={"Referer": url})
    assert User.objects.get(pk=user.pk).credits == Decimal("11.00")
    assert CreditTransaction.objects.filter(user=user, kind="adjustment").count() == 1


def test_the_users_ledger_is_paginated_newest_first(staff_page):
    user = UserFactory()
    for number in range(1, 24):
        grant_credits(user_id=user.pk, amount=number, reason=f"grant {number}")
    page = staff_page
    page.goto(user_page(user))
    rows = page.locator("#credits-ledger .ledger-row")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("grant 23")
    page.locator("#credits-ledger .ledger-older").click()
    expect(rows).to_have_count(3)
    expect(rows.last).to_contain_text("grant 1")
    shot(page, "credits-ledger-page-2")


def test_the_credit_transactions_list_filters_and_searches(staff_page, staff):
    alice = UserFactory(email="alice@example.com", credits=5)
    bob = UserFactory(email="bob@example.com")
    grant_credits(user_id=bob.pk, amount=7, actor=staff, reason="promo")
    page = staff_page
    page.goto(LEDGER)
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text(alice.email)
    expect(page.locator(".object-tools .addlink")).to_have_count(0)

    page.locator("#changelist-filter").get_by_role("link", name=staff.email).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("bob@example.com")
    page.goto(LEDGER)
    page.locator("#changelist-filter").get_by_role("link", name="The system").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("alice@example.com")

    page.goto(LEDGER)
    page.fill("#searchbar", "ALICE@")
    page.press("#searchbar", "Enter")
    expect(results).to_have_count(1)
    page.goto(LEDGER)
    page.locator("#changelist-filter").get_by_role("link", name="Today").click()
    expect(results).to_have_count(2)
    page.goto(LEDGER)
    page.locator("#changelist-filter").get_by_role("link", name="Grant").click()
    expect(results).to_have_count(2)
    shot(page, "credit-transactions-list")

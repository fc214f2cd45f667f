"""Migration 0005: every user holding credits when the ledger starts gets an opening-balance
row, so `users.credits` equals the ledger's sum from day one."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import CreditTransaction, User

BEFORE = [("accounts", "0003_json_validators_see_empty_values")]
AFTER = [("accounts", "0005_opening_credit_balances")]


@pytest.mark.django_db(transaction=True)
def test_existing_balances_get_an_opening_row_and_the_ledger_matches():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for email, credits in (("rich@example.com", "42.50"), ("poor@example.com", "0")):
                cursor.execute(
                    "INSERT INTO users (id, email, password, full_name, subscription_tier, "
                    "subscription_status, is_active, is_verified, is_staff, is_superuser, "
                    "user_metadata, credits, created_at, updated_at) VALUES (gen_random_uuid(), "
                    "%s, '!', '', 'free', 'active', true, false, false, false, '{}', %s, now(), "
                    "now())",
                    [email, credits],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    rich = User.objects.get(email="rich@example.com")
    row = CreditTransaction.objects.get(user=rich)
    assert (row.kind, row.amount, row.balance_after) == (
        "adjustment",
        Decimal("42.50"),
        Decimal("42.50"),
    )
    assert "Opening balance" in row.reason
    assert not CreditTransaction.objects.filter(user__email="poor@example.com").exists()

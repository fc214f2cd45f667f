"""The credits ledger: one service per operation, each row recorded, balances equal to the
ledger, idempotent retries, and PostgreSQL refusing to rewrite history."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from accounts.models import CreditsCheck, CreditTransaction, User
from accounts.reconciliation import find_drifts, last_credits_check
from accounts.services import (
    CreditsError,
    IdempotencyKeyReused,
    InsufficientCredits,
    adjust_credits,
    credit_balance,
    grant_credits,
    refund_credits,
    spend_credits,
    transfer_credits,
)
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def database_error(callable_):
    """Run a write that must fail at the database; return the constraint it names."""
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        callable_()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return info.value.__cause__.diag.constraint_name


def test_each_operation_appends_a_row_with_the_balance_after_it(staff_user):
    user = UserFactory()
    grant_credits(user_id=user.pk, amount=50, reason="welcome")
    spend_credits(user_id=user.pk, amount="12.50", reason="a report")
    refund_credits(user_id=user.pk, amount=2, reason="report failed")
    adjust_credits(user_id=user.pk, amount=-4, reason="duplicate grant", actor=staff_user)

    rows = list(CreditTransaction.objects.filter(user=user).order_by("created_at"))
    assert [(r.kind, r.amount, r.balance_after) for r in rows] == [
        ("grant", Decimal("50.00"), Decimal("50.00")),
        ("spend", Decimal("-12.50"), Decimal("37.50")),
        ("refund", Decimal("2.00"), Decimal("39.50")),
        ("adjustment", Decimal("-4.00"), Decimal("35.50")),
    ]
    assert rows[-1].actor == staff_user and rows[0].actor is None
    user.refresh_from_db()
    assert user.credits == credit_balance(user_id=user.pk) == Decimal("35.50")


def test_a_purchase_is_recorded_as_one():
    user = UserFactory()
    row = grant_credits(user_id=user.pk, amount=9, purchase=True)
    assert (row.kind, row.balance_after) == ("purchase", Decimal("9.00"))


def test_spending_beyond_the_balance_is_refused_and_records_nothing():
    user = UserFactory(credits=10)
    with pytest.raises(InsufficientCredits, match=r"10\.00 credits available, 10\.01 requested"):
        spend_credits(user_id=user.pk, amount="10.01")
    with pytest.raises(InsufficientCredits):
        adjust_credits(user_id=user.pk, amount=-11, reason="too much")
    assert CreditTransaction.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.credits == Decimal("10.00")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda u: grant_credits(user_id=u.pk, amount=-1), "positive"),
        (lambda u: grant_credits(user_id=u.pk, amount="1.005"), "two decimal places"),
        (lambda u: grant_credits(user_id=u.pk, amount="NaN"), "not an amount"),
        (lambda u: grant_credits(user_id=u.pk, amount=True), "not an amount"),
        (lambda u: grant_credits(user_id=u.pk, amount="1e11"), "at most"),
        (lambda u: spend_credits(user_id=u.pk, amount=0), "positive"),
        (lambda u: adjust_credits(user_id=u.pk, amount=5, reason="  "), "needs a reason"),
        (lambda u: adjust_credits(user_id=u.pk, amount=0, reason="x"), "non-zero"),
        (lambda u: grant_credits(user_id="nope", amount=1), "UUID"),
        (
            lambda u: grant_credits(user_id="00000000-0000-0000-0000-000000000000", amount=1),
            "No such user",
        ),
        (lambda u: grant_credits(user_id=u.pk, amount=1, idempotency_key="k" * 256), "key"),
        (lambda u: grant_credits(user_id=u.pk, amount=1, actor=u), "staff"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(call, message):
    user = UserFactory()
    with pytest.raises(CreditsError, match=message):
        call(user)
    assert not CreditTransaction.objects.exists()


def test_a_transfer_writes_two_paired_rows_and_both_balances():
    alice, bob = UserFactory(credits=30), UserFactory()
    outgoing = transfer_credits(from_user_id=alice.pk, to_user_id=bob.pk, amount=12, reason="split")
    incoming = CreditTransaction.objects.get(user=bob)
    assert (outgoing.paired_id, incoming.paired_id) == (incoming.pk, outgoing.pk)
    assert incoming.reason == "split"
    assert [
        u.credits for u in User.objects.filter(pk__in=[alice.pk, bob.pk]).order_by("email")
    ] == [
        Decimal("18.00"),
        Decimal("12.00"),
    ]


def test_the_same_idempotency_key_returns_the_stored_row_without_granting_twice():
    user = UserFactory()
    first = grant_credits(user_id=user.pk, amount=20, idempotency_key="order-1")
    again = grant_credits(user_id=user.pk, amount=20, idempotency_key="order-1")
    assert again.pk == first.pk
    user.refresh_from_db()
    assert user.credits == Decimal("20.00")


def test_a_transfer_retried_with_its_key_moves_credits_once():
    alice, bob = UserFactory(credits=30), UserFactory()
    first = transfer_credits(
        from_user_id=alice.pk, to_user_id=bob.pk, amount=10, idempotency_key="t"
    )
    again = transfer_credits(
        from_user_id=alice.pk, to_user_id=bob.pk, amount=10, idempotency_key="t"
    )
    assert (again.pk, again.paired.pk) == (first.pk, first.paired.pk)
    bob.refresh_from_db()
    assert bob.credits == Decimal("10.00")
    with pytest.raises(IdempotencyKeyReused):
        transfer_credits(
            from_user_id=alice.pk, to_user_id=UserFactory().pk, amount=10, idempotency_key="t"
        )


@pytest.mark.parametrize(
    "retry",
    [
        lambda u: grant_credits(user_id=u.pk, amount=21, idempotency_key="order-1"),
        lambda u: grant_credits(user_id=u.pk, amount=20, reason="x", idempotency_key="order-1"),
        lambda u: refund_credits(user_id=u.pk, amount=20, idempotency_key="order-1"),
    ],
)
def test_a_key_reused_for_another_operation_is_refused(retry):
    user = UserFactory()
    grant_credits(user_id=user.pk, amount=20, idempotency_key="order-1")
    with pytest.raises(IdempotencyKeyReused, match="order-1"):
        retry(user)
    user.refresh_from_db()
    assert user.credits == Decimal("20.00")


# --- what PostgreSQL enforces ---------------------------------------------------------------


def test_the_ledger_refuses_update_and_delete_even_by_raw_sql():
    user = UserFactory(credits=10)
    row = CreditTransaction.objects.get(user=user)

    def raw(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])

    assert (
        database_error(lambda: raw("UPDATE credit_transactions SET amount = 99 WHERE id = %s"))
        == "credit_transactions_append_only"
    )
    assert (
        database_error(lambda: raw("DELETE FROM credit_transactions WHERE id = %s"))
        == "credit_transactions_append_only"
    )
    assert database_error(lambda: CreditTransaction.objects.filter(pk=row.pk).delete()) == (
        "credit_transactions_append_only"
    )
    row.refresh_from_db()
    assert row.amount == Decimal("10.00")


def test_a_balance_written_around_the_services_is_refused_at_commit():
    user = UserFactory(credits=10)
    update = lambda: User.objects.filter(pk=user.pk).update(credits=25)  # noqa: E731
    assert database_error(update) == "users_credits_match_ledger"


def test_a_ledger_row_inserted_around_the_services_is_refused_at_commit():
    user = UserFactory()
    insert = lambda: CreditTransaction.objects.create(  # noqa: E731
        user=user, kind="grant", amount=5, balance_after=5
    )
    assert database_error(insert) == "users_credits_match_ledger"


@pytest.mark.parametrize(
    "fields, constraint",
    [
        ({"kind": "grant", "amount": 0}, "credit_tx_amount_nonzero_bounded"),
        ({"kind": "spend", "amount": 5}, "credit_tx_amount_sign_matches_kind"),
        ({"kind": "grant", "amount": -5}, "credit_tx_amount_sign_matches_kind"),
        ({"kind": "adjustment", "amount": 5}, "credit_tx_adjustment_has_reason"),
        ({"kind": "transfer_in", "amount": 5}, "credit_tx_transfer_is_paired"),
        (
            {"kind": "grant", "amount": 5, "idempotency_key": ""},
            "credit_tx_idempotency_key_not_empty",
        ),
        ({"kind": "grant", "amount": 5, "balance_after": -1}, "credit_tx_balance_after_valid"),
    ],
)
def test_checks_refuse_impossible_rows(fields, constraint):
    user = UserFactory()
    values = {"balance_after": 5, **fields}
    insert = lambda: CreditTransaction.objects.create(user=user, **values)  # noqa: E731
    assert database_error(insert) == constraint


@pytest.mark.parametrize(
    "kind, amount, constraint",
    [
        ("gift", "5", "credit_tx_kind_valid"),
        ("grant", "NaN", "credit_tx_amount_nonzero_bounded"),
        ("adjustment", "NaN", "credit_tx_amount_nonzero_bounded"),
    ],
)
def test_checks_refuse_unknown_kinds_and_nan_by_raw_sql(kind, amount, constraint):
    user = UserFactory()

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO credit_transactions (id, user_id, kind, amount, balance_after, "
                "reason, created_at) VALUES (gen_random_uuid(), %s, %s, %s::numeric, 5, 'r', "
                "now())",
                [user.pk, kind, amount],
            )

    assert database_error(insert) in {constraint, "credit_tx_amount_sign_matches_kind"}
    assert not CreditTransaction.objects.exists()


def test_an_idempotency_key_is_unique_per_user():
    user = UserFactory()
    grant_credits(user_id=user.pk, amount=5, idempotency_key="k")
    insert = lambda: CreditTransaction.objects.create(  # noqa: E731
        user=user, kind="grant", amount=5, balance_after=10, idempotency_key="k"
    )
    assert database_error(insert) == "credit_tx_idempotency_key_unique"


# --- reconciliation --------------------------------------------------------------------------


def test_check_credits_is_clean_and_records_the_run(capsys):
    UserFactory(credits=10)
    call_command("check_credits")
    assert "every balance equals its credits ledger" in capsys.readouterr().out
    assert last_credits_check()["clean"] is True
    assert CreditsCheck.objects.count() == 1


def without_the_balance_trigger(callable_):
    """Make a drift the way only a superuser can: a session whose triggers do not fire (as a
    logical-replication apply or a careless restore would)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            callable_()
        finally:
            cursor.execute("SET session_replication_role = origin")


def test_check_credits_exits_1_naming_each_drift(capsys):
    drifted, fine = UserFactory(credits=10), UserFactory(credits=3)
    without_the_balance_trigger(
        lambda: User.objects.filter(pk=drifted.pk).update(credits=Decimal("12.00"))
    )

    with pytest.raises(CommandError) as info:
        call_command("check_credits")

    assert info.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{drifted.email} ({drifted.pk}): balance 12.00, ledger sums to 10.00" in err
    assert fine.email not in err
    assert [d["email"] for d in find_drifts()] == [drifted.email]
    assert last_credits_check()["drifts"] == 1
    # The grant's deferred check still runs at the test's end: leave the balance as it was.
    without_the_balance_trigger(lambda: User.objects.filter(pk=drifted.pk).update(credits=10))


def test_the_readiness_detail_shows_staff_the_last_check(client):
    staff = StaffUserFactory()
    call_command("check_credits")
    client.force_login(staff)
    body = client.get("/health/ready/?verbose=1").json()
    assert body["credits_check"]["clean"] is True
    assert body["credits_check"]["users_checked"] == User.objects.count()


def test_the_readiness_probe_hides_the_check_from_others(client):
    call_command("check_credits")
    assert "credits_check" not in client.get("/health/ready/?verbose=1").json()

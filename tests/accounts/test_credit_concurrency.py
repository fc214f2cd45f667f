"""The ledger under concurrency, on real connections (one per thread): many transfers, grants,
spends and refunds in parallel across users conserve credits, never overdraw, never deadlock,
keep every balance equal to its ledger, and retries with one idempotency key record once."""

import random
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from accounts.models import CreditTransaction, User
from accounts.services import (
    InsufficientCredits,
    grant_credits,
    refund_credits,
    spend_credits,
    transfer_credits,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def run_in_threads(work):
    """`work(index)` in THREADS threads started together, each on its own connection; the
    exceptions they raise (other than the expected refusals) are returned."""
    start, errors = threading.Barrier(THREADS), []

    def run(index):
        start.wait()
        try:
            work(index)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_mixed_operations_in_parallel_conserve_credits_and_match_the_ledger():
    users = [UserFactory(credits=40) for _ in range(4)]
    ids = [user.pk for user in users]
    counts = {"granted": Decimal(0), "spent": Decimal(0), "refunded": Decimal(0), "refused": 0}
    lock = threading.Lock()

    def work(seed):
        rng = random.Random(seed)
        for _ in range(30):
            operation = rng.choice(["transfer", "transfer", "grant", "spend", "refund"])
            amount = Decimal(rng.choice(["3.00", "7.25", "15.00", "40.00"]))
            try:
                if operation == "transfer":
                    sender, receiver = rng.sample(ids, 2)
                    transfer_credits(from_user_id=sender, to_user_id=receiver, amount=amount)
                    continue
                user_id = rng.choice(ids)
                if operation == "grant":
                    grant_credits(user_id=user_id, amount=amount)
                    key = "granted"
                elif operation == "spend":
                    spend_credits(user_id=user_id, amount=amount)
                    key = "spent"
                else:
                    refund_credits(user_id=user_id, amount=amount)
                    key = "refunded"
                with lock:
                    counts[key] += amount
            except InsufficientCredits:
                with lock:
                    counts["refused"] += 1

    errors = run_in_threads(work)

    assert errors == []  # no deadlock, nothing but the expected refusals
    balances = dict(User.objects.filter(pk__in=ids).values_list("pk", "credits"))
    expected_total = 4 * Decimal(40) + counts["granted"] + counts["refunded"] - counts["spent"]
    assert sum(balances.values()) == expected_total
    assert min(balances.values()) >= 0
    for user_id, balance in balances.items():
        ledger = CreditTransaction.objects.filter(user_id=user_id).aggregate(s=Sum("amount"))
        assert ledger["s"] == balance
    assert not CreditTransaction.objects.filter(balance_after__lt=0).exists()
    call_command("check_credits")  # exits 1 (CommandError) on any drift


def test_transfers_in_opposite_directions_do_not_deadlock():
    alice, bob = UserFactory(credits=500), UserFactory(credits=500)

    def work(index):
        sender, receiver = (alice, bob) if index % 2 else (bob, alice)
        for _ in range(20):
            transfer_credits(from_user_id=sender.pk, to_user_id=receiver.pk, amount=1)

    assert run_in_threads(work) == []
    assert sum(User.objects.values_list("credits", flat=True)) == Decimal("1000.00")
    assert CreditTransaction.objects.filter(kind="transfer_out").count() == THREADS * 20
    call_command("check_credits")


def test_concurrent_retries_of_one_key_record_once():
    user = UserFactory()
    alice, bob = UserFactory(credits=50), UserFactory()
    rows = []

    def work(index):
        grant = grant_credits(user_id=user.pk, amount=25, idempotency_key="order-7")
        transfer = transfer_credits(
            from_user_id=alice.pk, to_user_id=bob.pk, amount=20, idempotency_key="move-1"
        )
        rows.append((grant.pk, transfer.pk))

    assert run_in_threads(work) == []
    assert len(set(rows)) == 1
    credits = dict(User.objects.values_list("pk", "credits"))
    assert (credits[user.pk], credits[alice.pk], credits[bob.pk]) == (
        Decimal("25.00"),
        Decimal("30.00"),
        Decimal("20.00"),
    )
    assert CreditTransaction.objects.filter(idempotency_key__isnull=False).count() == 2
    call_command("check_credits")

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import User
from accounts.services import CreditsError, InsufficientCredits, transfer_credits
from tests.factories import UserFactory


@pytest.mark.django_db
def test_transfer_moves_credits_and_returns_both_sides_of_the_ledger():
    alice, bob = UserFactory(credits=100), UserFactory(credits=5)
    outgoing = transfer_credits(from_user_id=alice.id, to_user_id=str(bob.id), amount="25.50")
    assert (outgoing.kind, outgoing.amount, outgoing.balance_after) == (
        "transfer_out",
        Decimal("-25.50"),
        Decimal("74.50"),
    )
    incoming = outgoing.paired
    assert (incoming.user_id, incoming.kind, incoming.amount, incoming.balance_after) == (
        bob.id,
        "transfer_in",
        Decimal("25.50"),
        Decimal("30.50"),
    )
    assert incoming.paired_id == outgoing.id
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.credits, bob.credits) == (Decimal("74.50"), Decimal("30.50"))


@pytest.mark.django_db
def test_transfer_beyond_the_balance_is_refused_and_changes_nothing():
    alice, bob = UserFactory(credits=10), UserFactory(credits=0)
    with pytest.raises(InsufficientCredits, match=r"10\.00 credits available"):
        transfer_credits(from_user_id=alice.id, to_user_id=bob.id, amount=10.01)
    assert list(User.objects.order_by("email").values_list("credits", flat=True)) == [
        Decimal("10.00"),
        Decimal("0.00"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -5, "abc", "NaN", "Infinity", None])
def test_transfer_of_a_non_positive_or_non_numeric_amount_is_refused(amount):
    alice, bob = UserFactory(credits=10), UserFactory()
    with pytest.raises(CreditsError):
        transfer_credits(from_user_id=alice.id, to_user_id=bob.id, amount=amount)


@pytest.mark.django_db
def test_transfer_to_oneself_or_to_a_missing_user_is_refused():
    alice = UserFactory(credits=10)
    with pytest.raises(CreditsError, match="same user"):
        transfer_credits(from_user_id=alice.id, to_user_id=alice.id, amount=1)
    with pytest.raises(CreditsError, match="must exist"):
        transfer_credits(
            from_user_id=alice.id, to_user_id="00000000-0000-0000-0000-000000000000", amount=1
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_transfers_never_create_lose_or_overdraw_credits():
    users = [UserFactory(credits=50) for _ in range(3)]
    ids = [user.id for user in users]
    total_before = sum(User.objects.values_list("credits", flat=True))
    outcomes = {"done": 0, "refused": 0}
    lock = threading.Lock()
    start = threading.Barrier(6)

    def worker(seed):
        rng = random.Random(seed)
        start.wait()
        try:
            for _ in range(25):
                sender, receiver = rng.sample(ids, 2)
                try:
                    transfer_credits(
                        from_user_id=sender, to_user_id=receiver, amount=rng.choice([7, 13, 30])
                    )
                    key = "done"
                except InsufficientCredits:
                    key = "refused"
                with lock:
                    outcomes[key] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    balances = list(User.objects.values_list("credits", flat=True))
    assert sum(balances) == total_before
    assert min(balances) >= 0
    assert outcomes["done"] + outcomes["refused"] == 150
    assert outcomes["done"] > 0

"""An opening-balance row for every user who holds credits when the ledger starts, so that
`users.credits` equals the sum of each user's ledger from the first day.

Users at 0 credits get no row: the ledger's amounts are never 0, and their empty ledger already
sums to their balance. Run again (after a rollback), it writes nothing twice: the rows carry an
idempotency key.
"""

from django.db import migrations

OPENING_KEY = "opening-balance"
OPENING_REASON = "Opening balance: the credits held when the ledger started."


def write_opening_balances(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    CreditTransaction = apps.get_model("accounts", "CreditTransaction")
    users = (
        User.objects.using(schema_editor.connection.alias)
        .exclude(credits=0)
        .exclude(credit_transactions__idempotency_key=OPENING_KEY)
        .values_list("pk", "credits")
    )
    CreditTransaction.objects.using(schema_editor.connection.alias).bulk_create(
        (
            CreditTransaction(
                user_id=pk,
                amount=credits,
                balance_after=credits,
                kind="adjustment",
                reason=OPENING_REASON,
                idempotency_key=OPENING_KEY,
            )
            for pk, credits in users.iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_credit_transactions")]

    # Backwards there is nothing to undo: 0004's reversal drops the table.
    operations = [migrations.RunPython(write_opening_balances, migrations.RunPython.noop)]

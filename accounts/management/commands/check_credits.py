"""`check_credits`: every balance against its credits ledger; exits 1 naming each drift."""

from django.core.management.base import BaseCommand, CommandError

from accounts.reconciliation import check_credits


class Command(BaseCommand):
    help = (
        "Compare every user's credits with the sum of their ledger (and the balance after their "
        "latest ledger row). Prints each drift and exits 1 when any; records the run for the "
        "readiness detail."
    )

    def handle(self, *args, **options):
        check = check_credits()
        for drift in check.drifts:
            self.stderr.write(
                f"{drift['email']} ({drift['user_id']}): balance {drift['balance']}, ledger sums "
                f"to {drift['ledger']}, balance after the latest row "
                f"{drift['last_balance_after'] or 'none'}"
            )
        if check.drifts:
            raise CommandError(
                f"{len(check.drifts)} of {check.users_checked} balances drifted from the credits "
                "ledger.",
                returncode=1,
            )
        self.stdout.write(
            f"Checked {check.users_checked} users: every balance equals its credits ledger."
        )

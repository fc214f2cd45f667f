"""Create the benchmark's API clients: N pro-tier users, each with a DRF token.

The load client rotates through their tokens, so each user stays well inside the per-tier rate
(the throttle stays on, as deployed) and every request authenticates for real. Writes one token
per line to the given file. Replaces the users of an earlier run.

Usage (with DATABASE_URL set): python bench/create_users.py bench/data/tokens.txt [--users 1000]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.choices import SubscriptionTier  # noqa: E402
from accounts.models import User  # noqa: E402

EMAIL_DOMAIN = "bench.betterbros.invalid"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    with transaction.atomic():
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        users = [
            User(email=f"client{n:05d}@{EMAIL_DOMAIN}", subscription_tier=SubscriptionTier.PRO)
            for n in range(args.users)
        ]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        tokens = Token.objects.bulk_create(
            [Token(key=Token.generate_key(), user=user) for user in users]
        )
    Path(args.out).write_text("".join(f"{token.key}\n" for token in tokens))
    print(f"{len(tokens)} pro users with tokens; tokens in {args.out}")


if __name__ == "__main__":
    main()

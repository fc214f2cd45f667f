"""Give the benchmark board a history that looks like a season of staff work, set-based.

`import_props` already writes one '+' history row per market, all at the import's instant. This
adds, in one `INSERT … SELECT` per pass, '~' rows for a share of the markets: the line moved by
half a point, the odds nudged, a few markets pulled, spread over the 120 days before the
import, attributed to a handful of staff users with a reason on some. The markets themselves are
not changed (the history is of earlier values), so the board stays what the importer wrote.

Usage (with DATABASE_URL set): python bench/generate_history.py [--passes 1] [--share 1.0]
Each pass writes `share` x the market count rows (1 pass, share 1.0: ~1,000,000 rows at 1M).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from psycopg import sql  # noqa: E402

from accounts.models import User  # noqa: E402
from props.models import PropMarket  # noqa: E402

STAFF_DOMAIN = "staff.bench.betterbros.invalid"
STAFF_USERS = 8
CHANGED_BY_SQL = {"line", "odds", "is_active", "updated_at"}


def staff_user_ids():
    ids = []
    for n in range(STAFF_USERS):
        user, created = User.objects.get_or_create(
            email=f"editor{n}@{STAFF_DOMAIN}", defaults={"is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        ids.append(user.pk)
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--share", type=float, default=1.0)
    args = parser.parse_args()

    market_columns = [f.column for f in PropMarket._meta.concrete_fields]
    copied = [c for c in market_columns if c not in CHANGED_BY_SQL]
    users = staff_user_ids()
    query = sql.SQL(
        """
        INSERT INTO {history} ({columns}, line, odds, is_active, updated_at,
                               history_date, history_type, history_user_id, history_change_reason)
        SELECT {copied},
               greatest(0, m.line + CASE WHEN random() < 0.5 THEN -0.5 ELSE 0.5 END),
               CASE WHEN m.odds IS NULL THEN NULL
                    ELSE round((m.odds * (0.97 + random() * 0.06))::numeric, 4)::float END,
               random() > 0.03,
               changed.at, changed.at, '~',
               (%(users)s::uuid[])[1 + floor(random() * %(user_count)s)::int],
               CASE WHEN random() < 0.25 THEN 'line moved after injury news' END
          FROM {market} AS m
          CROSS JOIN LATERAL (
                SELECT m.created_at - random() * interval '120 days' AS at
          ) AS changed
         WHERE random() < %(share)s
        """
    ).format(
        history=sql.Identifier(PropMarket.history.model._meta.db_table),
        market=sql.Identifier(PropMarket._meta.db_table),
        columns=sql.SQL(", ").join(map(sql.Identifier, copied)),
        copied=sql.SQL(", ").join(sql.Identifier("m", c) for c in copied),
    )
    for n in range(args.passes):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(query, {"users": users, "user_count": len(users), "share": args.share})
            written = cursor.rowcount
        print(f"history pass {n + 1}: {written} rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

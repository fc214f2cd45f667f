"""The portable write path (SQLite, for `make run` and local demos): the same staging, merge
and deactivation as `postgres.PostgresWriter`, through the ORM in batches. Rows are held in
memory, which suits the demo-sized boards this path exists for."""

from collections import Counter

import orjson
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import PropMarket
from .postgres import COMPARED, DuplicateKeys
from .rows import COLUMNS

BATCH = 500


class PortableWriter:
    def __init__(self, connection):
        self.rows = []

    def stage(self, rows):
        for row in rows:
            values = dict(zip(COLUMNS, row[1:], strict=True))
            values["extra_metadata"] = orjson.loads(values["extra_metadata"])
            self.rows.append((row[0], values))
        return len(self.rows)

    def duplicates(self):
        locations = {}
        for location, values in self.rows:
            locations.setdefault((values["platform"], values["external_id"]), []).append(location)
        return [(*key, found) for key, found in locations.items() if len(found) > 1]

    def drop_later_duplicates(self):
        seen, kept = set(), []
        for location, values in self.rows:
            key = (values["platform"], values["external_id"])
            if key not in seen:
                seen.add(key)
                kept.append((location, values))
        self.rows = kept

    def league_weeks(self):
        counts = Counter((values["league"], values["week"]) for _, values in self.rows)
        return [(league, week, n) for (league, week), n in counts.most_common()]

    def merge(self, *, snapshot_pk, user_pk, reason, now):
        if self.duplicates():
            raise DuplicateKeys
        board = PropMarket.objects.in_board(snapshot_pk)
        created, updated = [], []
        for start in range(0, len(self.rows), BATCH):
            batch = [values for _, values in self.rows[start : start + BATCH]]
            existing = {
                (market.platform, market.external_id): market
                for market in board.filter(
                    external_id__in=[values["external_id"] for values in batch]
                )
            }
            for values in batch:
                market = existing.get((values["platform"], values["external_id"]))
                if market is None:
                    created.append(
                        PropMarket(
                            snapshot_id=snapshot_pk, created_at=now, updated_at=now, **values
                        )
                    )
                elif any(getattr(market, name) != values[name] for name in COMPARED):
                    for name in COMPARED:
                        setattr(market, name, values[name])
                    market.updated_at = now
                    updated.append(market)
        history = {"default_user": _user(user_pk), "default_change_reason": reason}
        bulk_create_with_history(created, PropMarket, batch_size=BATCH, **history)
        bulk_update_with_history(
            updated, PropMarket, [*COMPARED, "updated_at"], batch_size=BATCH, **history
        )
        return len(created), len(updated)

    def deactivate_missing(self, *, snapshot_pk, user_pk, reason, now):
        keys = {(values["platform"], values["external_id"]) for _, values in self.rows}
        scopes = {(v["platform"], v["league"], v["week"]) for _, v in self.rows}
        gone = []
        for platform, league, week in scopes:
            candidates = (
                PropMarket.objects.in_board(snapshot_pk)
                .active()
                .filter(platform=platform, league=league, week=week)
            )
            gone += [m for m in candidates if (m.platform, m.external_id) not in keys]
        for market in gone:
            market.is_active = False
            market.updated_at = now
        bulk_update_with_history(
            gone,
            PropMarket,
            ["is_active", "updated_at"],
            batch_size=BATCH,
            default_user=_user(user_pk),
            default_change_reason=reason,
        )
        return len(gone), sorted({(m.league, m.week) for m in gone})

    def drop(self):
        self.rows = []


def _user(user_pk):
    if user_pk is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_pk)

"""The portable write path (SQLite, for `make run` and local demos): the same staging, merge
and deactivation as `postgres.PostgresWriter`, through the ORM in batches. Rows are held in
memory, which suits the demo-sized boards this path exists for."""

from collections import Counter
from typing import Any

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
            values = dict(zip(COLUMNS, row[1:-1], strict=True))
            values["extra_metadata"] = orjson.loads(values["extra_metadata"])
            values["snapshot_id"] = row[-1]  # the board the file names (None: live/overridden)
            self.rows.append((row[0], values))
        return len(self.rows)

    def duplicates(self):
        locations: dict[Any, list[str]] = {}
        for location, values in self.rows:
            locations.setdefault(_key(values), []).append(location)
        return [(*key[1:], found) for key, found in locations.items() if len(found) > 1]

    def drop_later_duplicates(self):
        seen, kept = set(), []
        for location, values in self.rows:
            key = _key(values)
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
        if snapshot_pk:
            for _, values in self.rows:
                values["snapshot_id"] = snapshot_pk
        created, updated = [], []
        for start in range(0, len(self.rows), BATCH):
            batch = [values for _, values in self.rows[start : start + BATCH]]
            existing = {
                _key(market.__dict__): market
                for market in PropMarket.objects.filter(
                    external_id__in=[values["external_id"] for values in batch]
                )
            }
            for values in batch:
                market = existing.get(_key(values))
                if market is None:
                    created.append(PropMarket(created_at=now, updated_at=now, **values))
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
        if snapshot_pk:
            for _, values in self.rows:
                values["snapshot_id"] = snapshot_pk
        keys = {_key(values) for _, values in self.rows}
        scopes = {(v["snapshot_id"], v["platform"], v["league"], v["week"]) for _, v in self.rows}
        gone = []
        for board, platform, league, week in scopes:
            candidates = (
                PropMarket.objects.in_board(board)
                .active()
                .filter(platform=platform, league=league, week=week)
            )
            gone += [m for m in candidates if _key(m.__dict__) not in keys]
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


def _key(values):
    """A market's key within its board: (board, platform, external_id)."""
    return (values["snapshot_id"], values["platform"], values["external_id"])


def _user(user_pk):
    if user_pk is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_pk)

"""Reads with logic, shared by the API, the admin and the commands."""

from django.db import models
from django.db.models import Avg, Count, FloatField, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast


def metric(name):
    """A metric of Experiment.metrics as a float expression, e.g. metric("roi")."""
    return Cast(KT(f"metrics__{name}"), FloatField())


class SnapshotQuerySet(models.QuerySet):
    def locked(self):
        return self.filter(is_locked=True)

    def unlocked(self):
        return self.filter(is_locked=False)


class PropMarketQuerySet(models.QuerySet):
    def live(self):
        """The live board: markets in no snapshot."""
        return self.filter(snapshot__isnull=True)

    def in_board(self, snapshot=None):
        """Markets of one board: a snapshot, or the live board when snapshot is None."""
        return self.live() if snapshot is None else self.filter(snapshot=snapshot)

    def active(self):
        return self.filter(is_active=True)

    def for_week(self, *, league, week):
        return self.filter(league=league, week=week)

    def board(self, *, league, week):
        """The seed's board query: active markets of a league/week ordered by player."""
        return self.for_week(league=league, week=week).active().order_by("player_name")

    def unlocked(self):
        """Markets that may be changed: on the live board or in an unlocked snapshot."""
        return self.filter(Q(snapshot__isnull=True) | Q(snapshot__is_locked=False))

    def created_before(self, cutoff):
        return self.filter(created_at__lt=cutoff)


class OwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What a user may reach: their own rows; staff reach everything."""
        if user.is_staff:
            return self
        return self.filter(user=user)


class ExperimentQuerySet(OwnedQuerySet):
    def with_snapshot(self):
        """Experiments joined with their snapshots in one query."""
        return self.select_related("snapshot")

    def with_metric_above(self, name, value):
        return self.alias(_metric=metric(name)).filter(_metric__gt=value)

    def stats(self):
        """The seed's user stats, plus best ROI and counts by status."""
        totals = self.aggregate(
            total_experiments=Count("id"),
            avg_roi=Avg(metric("roi")),
            best_roi=Max(metric("roi")),
            total_slips=Sum("num_slips", default=0),
        )
        totals["by_status"] = dict(
            self.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        return totals


class SavedSlipQuerySet(OwnedQuerySet):
    def placed(self):
        return self.filter(is_placed=True)

"""What the admin tells staff about locked snapshots, in the words of the service's refusal."""

from django.utils import timezone

from ..services import SnapshotLocked


def lock_notice(snapshot) -> str:
    """Why a locked snapshot (or a market in it) is read-only, with who locked it and when."""
    reason = str(SnapshotLocked(snapshot.snapshot_id))
    who = snapshot.locked_by.email if snapshot.locked_by_id else "someone no longer on staff"
    when = (
        timezone.localtime(snapshot.locked_at).strftime("%Y-%m-%d %H:%M %Z")
        if snapshot.locked_at
        else "an unknown time"
    )
    return f"{reason} Locked by {who} at {when}."


def is_in_locked_snapshot(market) -> bool:
    return market is not None and market.snapshot_id is not None and market.snapshot.is_locked

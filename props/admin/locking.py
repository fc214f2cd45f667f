"""What the admin tells staff about locked snapshots, in the words of the service's refusal."""

from django.template.response import TemplateResponse
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


def refused_response(model_admin, request, obj, what, snapshot):
    """The admin page for a write refused because `snapshot` is locked (403): the lock notice
    and a way back, no button that cannot work."""
    return TemplateResponse(
        request,
        "admin/props/refused.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"{what} refused: {obj}",
            "opts": model_admin.opts,
            "original": obj,
            "lock_notice": lock_notice(snapshot),
        },
        status=403,
    )

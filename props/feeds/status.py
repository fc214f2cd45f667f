"""What the readiness probe tells staff about feed sources."""

from .models import FeedSource


def flagged_sources() -> list[dict]:
    """Sources flagged after too many failed polls in a row (not polled until enabled)."""
    return [
        {
            "name": source.name,
            "consecutive_failures": source.consecutive_failures,
            "flagged_at": source.flagged_at.isoformat(),
        }
        for source in FeedSource.objects.filter(flagged_at__isnull=False).order_by("name")
    ]

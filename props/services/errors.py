"""Domain exceptions raised by the services; their message is meant for the user."""


class DomainError(Exception):
    """An operation the rules refuse. Subclasses say which rule."""


class SnapshotLocked(DomainError):
    def __init__(self, snapshot_slug: str) -> None:
        self.snapshot_slug = snapshot_slug
        super().__init__(
            f"Snapshot '{snapshot_slug}' is locked: it and its prop markets cannot be changed "
            "until staff unlock it."
        )


class InvalidTransition(DomainError):
    pass


class SlipAlreadyPlaced(DomainError):
    pass


class TierLimitReached(DomainError):
    """The user's subscription tier does not allow this (the API answers 403)."""


LOCK_CONSTRAINT = "snapshot_locked"


def lock_violation_slug(exc: BaseException) -> str | None:
    """The snapshot slug if `exc` is the lock trigger's refusal (an IntegrityError), else None."""
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    if diag is not None and diag.constraint_name == LOCK_CONSTRAINT:
        return diag.message_detail
    return None

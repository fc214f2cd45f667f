"""Write operations: one function per operation, keyword arguments, one transaction each.

Callers translate the domain exceptions of `props.services.errors`: 409 in the API, a message
in the admin, exit code 1 in a command.
"""

from .bulk import (
    LIVE_BOARD,
    AlreadyInTarget,
    BoardMismatch,
    BulkResult,
    MarketEdit,
    delete_markets,
    edit_markets,
    locked_in,
    move_markets,
)
from .errors import (
    DomainError,
    InvalidTransition,
    SlipAlreadyPlaced,
    SnapshotLocked,
    TierLimitReached,
    lock_violation_slug,
)
from .experiments import check_transition, transition_experiment, update_experiment_metrics
from .locking import ensure_unlocked, lock_snapshot, unlock_snapshot
from .markets import create_market, delete_market, delete_props_created_before, update_market
from .slips import create_saved_slip, place_slip
from .snapshots import capture_snapshot, delete_snapshot, update_snapshot

__all__ = [
    "LIVE_BOARD",
    "AlreadyInTarget",
    "BoardMismatch",
    "BulkResult",
    "DomainError",
    "InvalidTransition",
    "MarketEdit",
    "SlipAlreadyPlaced",
    "SnapshotLocked",
    "TierLimitReached",
    "capture_snapshot",
    "check_transition",
    "create_market",
    "create_saved_slip",
    "delete_market",
    "delete_markets",
    "delete_props_created_before",
    "delete_snapshot",
    "edit_markets",
    "ensure_unlocked",
    "lock_snapshot",
    "lock_violation_slug",
    "locked_in",
    "move_markets",
    "place_slip",
    "transition_experiment",
    "unlock_snapshot",
    "update_experiment_metrics",
    "update_market",
    "update_snapshot",
]

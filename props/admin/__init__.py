"""The admin back office for snapshots, prop markets, experiments and saved slips: one module
per model admin, plus the forms, filters, bulk writes, import/export views and the paginator
they share. Importing the package registers them."""

from .experiments import ExperimentAdmin
from .feeds import FeedSourceAdmin, ImportRunAdmin
from .history import MarketChangeAdmin
from .jobs import BackgroundJobAdmin
from .markets import PropMarketAdmin
from .slips import SavedSlipAdmin
from .snapshots import SnapshotAdmin

__all__ = [
    "BackgroundJobAdmin",
    "ExperimentAdmin",
    "FeedSourceAdmin",
    "ImportRunAdmin",
    "MarketChangeAdmin",
    "PropMarketAdmin",
    "SavedSlipAdmin",
    "SnapshotAdmin",
]

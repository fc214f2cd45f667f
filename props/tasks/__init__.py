"""Celery tasks of the props app, one module per kind of work.

Celery's autodiscovery imports this package; each module below registers its tasks.
"""

from . import (
    feeds,  # noqa: F401
    jobs,  # noqa: F401
    maintenance,  # noqa: F401
)

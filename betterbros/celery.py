"""The Celery application: scheduled feed polls and the long work the admin queues.

Workers and beat read the same settings as the web app (the ``CELERY_`` block of
``betterbros.settings``). With no broker configured (``make run`` on SQLite), tasks run eagerly
in the calling process instead.
"""

import os
import sys

from celery import Celery
from django.db.backends.signals import connection_created

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

app = Celery("betterbros")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

EAGER_NOTICE = (
    "No Celery broker configured (no REDIS_URL or CELERY_BROKER_URL): background tasks run "
    "eagerly in this process. Run a worker and beat for scheduled feed polls "
    "(docs/feeds-and-workers.md).\n"
)


def _say_eager_mode_once(sender, connection, **kwargs):
    """`make run` with no broker: say it once, at start, in the process that serves.

    runserver's autoreloader runs two processes; only the one serving (RUN_MAIN, or
    --noreload) says it, on its first database connection (the start-up migration check)."""
    from django.conf import settings

    connection_created.disconnect(_say_eager_mode_once)
    serving = os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv
    if settings.CELERY_TASK_ALWAYS_EAGER and "runserver" in sys.argv[1:2] and serving:
        sys.stderr.write(EAGER_NOTICE)


connection_created.connect(_say_eager_mode_once)

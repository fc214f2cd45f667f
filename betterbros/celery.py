"""The Celery application: scheduled feed polls and the long work the admin queues.

Workers and beat read the same settings as the web app (the ``CELERY_`` block of
``betterbros.settings``). With no broker configured (``make run`` on SQLite), tasks run eagerly
in the calling process instead.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

app = Celery("betterbros")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

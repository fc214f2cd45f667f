"""Gunicorn's settings, from the environment (every variable is in `.env.example`).

Used by the Dockerfile (`gunicorn -c gunicorn.conf.py betterbros.wsgi`). Read with django-environ
like the Django settings, but here: gunicorn reads this file before Django starts.
"""

import multiprocessing
from pathlib import Path

import environ

env = environ.Env()

bind = env.str("GUNICORN_BIND", default="0.0.0.0:8000")
workers = env.int("GUNICORN_WORKERS", default=multiprocessing.cpu_count() * 2 + 1)
threads = env.int("GUNICORN_THREADS", default=1)
# A worker silent for this long is killed and replaced; requests must finish well within it.
timeout = env.int("GUNICORN_TIMEOUT", default=30)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)
# Recycling workers bounds the memory a slow leak can take. Rarely: the requests queued behind a
# fresh worker wait for Django's first-request imports, and at 1,000 (a recycle every ~2 s at
# the cached board's rate) that wait was the cached list's p99 (BENCHMARKS.md). The jitter
# keeps the workers from being replaced together.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=50000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=5000)

# "-" is stdout; an empty value turns the access log off.
accesslog = env.str("GUNICORN_ACCESS_LOG", default="-") or None
access_log_format = env.str(
    "GUNICORN_ACCESS_LOG_FORMAT",
    default='%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"',
)
errorlog = "-"
loglevel = env.str("GUNICORN_LOG_LEVEL", default="info")

# With LOG_JSON (as for Django's own logs), gunicorn's lines are JSON objects too.
if env.bool("LOG_JSON", default=False):
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["console"],
                "propagate": False,
            },
            # INFO carries the access lines; without an access log only warnings pass.
            "gunicorn.access": {
                "level": "INFO" if accesslog else "WARNING",
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }

# The proxy in front (which sets X-Forwarded-Proto) may connect from these addresses.
forwarded_allow_ips = env.str("FORWARDED_ALLOW_IPS", default="127.0.0.1")

# Heartbeat files on tmpfs: a container's overlay filesystem can stall them.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"


def post_worker_init(worker):
    """Load the URLconf (and with it the API's views, DRF and the schema) before the worker
    takes its first request, so no request waits for those imports. Other WSGI apps served
    with this file (the benchmark's floor) are left alone."""
    from django.apps import apps

    if not apps.ready:
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the attribute imports the URLconf)

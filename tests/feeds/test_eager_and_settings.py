"""Without a broker tasks run eagerly in-process (`make run`), said once at start; the broker
never shares the cache's Redis database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from betterbros.celery import EAGER_NOTICE, app
from props.models import ImportRun
from props.tasks.feeds import poll_due_sources
from tests.factories import FeedSourceFactory

from .feed_server import NBA_FEED

ROOT = Path(__file__).resolve().parents[2]


def settings_in_a_fresh_interpreter(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_URL"))}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="betterbros.settings",
               DJANGO_READ_DOT_ENV_FILE="false", DEBUG="true")  # fmt: skip
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL or '-', s.CELERY_TASK_ALWAYS_EAGER)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_the_broker_defaults_to_its_own_database_on_the_cache_server():
    result = settings_in_a_fresh_interpreter({"REDIS_URL": "redis://cache.internal:6379/0"})

    assert result.stdout.split() == ["redis://cache.internal:6379/15", "False"], result.stderr


def test_a_broker_on_the_cache_database_is_refused():
    result = settings_in_a_fresh_interpreter(
        {"REDIS_URL": "redis://cache:6379/2", "CELERY_BROKER_URL": "redis://cache:6379/2"}
    )

    assert result.returncode != 0 and "must not be REDIS_URL's database" in result.stderr


def test_without_redis_tasks_run_eagerly():
    result = settings_in_a_fresh_interpreter({})

    assert result.stdout.split() == ["-", "True"], result.stderr


@pytest.mark.usefixtures("fast_feeds")
def test_in_eager_mode_the_beat_task_polls_in_process(feed_server, transactional_db):
    FeedSourceFactory(url=feed_server.route("/nba.json", NBA_FEED))
    app.conf["CELERY_TASK_ALWAYS_EAGER"] = True
    try:
        assert poll_due_sources.delay().get() == 1
    finally:
        app.conf["CELERY_TASK_ALWAYS_EAGER"] = False

    assert ImportRun.objects.get().status == "succeeded"


def test_runserver_without_a_broker_says_eager_mode_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_URL"))}
    env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_READ_DOT_ENV_FILE="false")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:16290"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if "Quit the server" in line:
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    output = "".join(lines)
    assert output.count(EAGER_NOTICE.strip()) == 1, output

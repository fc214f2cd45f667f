"""Real Celery workers for tests: separate `celery -A betterbros worker` processes on a real
Redis broker, working on the test database.

    from tests.celery_worker import celery_workers  # noqa: F401  (in a test module or conftest)

    def test_something(celery_workers):
        celery_workers.start("one")                  # returns once the worker answers a ping
        celery_workers.start("a", "b", env={...})    # several, started side by side
        some_task.delay(...)                         # goes through Redis to the worker
        celery_workers.wait_for(lambda: ..., timeout=20)

The broker is REDIS_URL's server with the database CELERY_TEST_BROKER_DB (default 12; 12 + N
on xdist worker gwN), flushed before each test: never the cache's database. `celery_workers`
uses `transactional_db`, since a worker only sees committed rows. Workers are stopped (TERM,
then KILL) when the test ends, and the test process's Celery app is pointed back at its
settings.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from betterbros.celery import app

ROOT = Path(__file__).resolve().parent.parent
# Under pytest-xdist each worker process has its own broker database (12 + N), as it has its own
# cache database (tests/conftest.py): a test flushes its broker before it starts.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
BROKER_DB = int(os.environ.get("CELERY_TEST_BROKER_DB", "12")) + int(_XDIST_WORKER[2:] or 0)
START_TIMEOUT = 30


def test_broker_url() -> str:
    parts = urlsplit(settings.REDIS_URL)
    return parts._replace(path=f"/{BROKER_DB}").geturl()


test_broker_url.__test__ = False  # a helper, not a test


def _test_database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _point_app_at(**conf):
    # The app reads Django's settings with the CELERY_ namespace, so the keys are CELERY_*.
    previous = {key: getattr(app.conf, key) for key in conf}
    for key, value in conf.items():
        app.conf[f"CELERY_{key.upper()}"] = value
    app._after_fork()  # drop connection and producer pools made for the old broker
    app._backend_cache = None
    app._local = threading.local()
    return previous


class CeleryWorkers:
    """Starts named workers; stops them all at the end of the test."""

    def __init__(self, broker_url):
        self.broker_url = broker_url
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def environment(self, extra=None) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "PYTEST_"))
        }
        env.update(
            DATABASE_URL=_test_database_url(),
            REDIS_URL=settings.REDIS_URL,
            CELERY_BROKER_URL=self.broker_url,
            CELERY_RESULT_BACKEND=self.broker_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            SECRET_KEY=os.environ.get("SECRET_KEY", "test-only-secret-key"),
            DJANGO_READ_DOT_ENV_FILE="false",
            DJANGO_SETTINGS_MODULE="betterbros.settings",
        )
        env.update(extra or {})
        return env

    def start(self, *names, env=None, pool="solo", concurrency=1, log_dir=None):
        """Start workers named `name@<host>` (default "worker"), side by side, and return once
        each answers a ping: the last one's process (`processes` has them all)."""
        processes = [
            self._spawn(name, env=env, pool=pool, concurrency=concurrency, log_dir=log_dir)
            for name in names or ("worker",)
        ]
        for name in names or ("worker",):
            self._wait_until_ready(self._node(name))
        return processes[-1]

    def _spawn(self, name, *, env, pool, concurrency, log_dir):
        node = f"{name}@{socket.gethostname()}"
        log_dir = Path(log_dir or ROOT / "test-artifacts" / "celery")
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"{name}-{os.getpid()}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "betterbros", "worker",
            "--pool", pool, "--concurrency", str(concurrency), "--hostname", node,
            "--without-mingle", "--without-gossip", "--loglevel", "INFO",
        ]  # fmt: skip
        with log.open("wb") as handle:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(env),
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[node] = process
        self.logs[node] = log
        return process

    def _wait_until_ready(self, node):
        process, log = self.processes[node], self.logs[node]
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"Worker {node} exited:\n{log.read_text()[-4000:]}")
            if app.control.ping(destination=[node], timeout=0.5):
                return process
        self.stop(node)
        raise RuntimeError(f"Worker {node} did not answer within {START_TIMEOUT}s:\n"
                           f"{log.read_text()[-4000:]}")  # fmt: skip

    def kill(self, node_or_name):
        """SIGKILL a worker (its running task is lost mid-way)."""
        process = self._process(node_or_name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, node_or_name, timeout=15):
        process = self._process(node_or_name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def stop_all(self):
        for node in list(self.processes):
            self.stop(node)

    def log(self, node_or_name) -> str:
        return self.logs[self._node(node_or_name)].read_text()

    def _node(self, node_or_name):
        if node_or_name in self.processes:
            return node_or_name
        return f"{node_or_name}@{socket.gethostname()}"

    def _process(self, node_or_name):
        return self.processes[self._node(node_or_name)]

    @staticmethod
    def wait_for(condition, timeout=20, interval=0.1):
        """Wait until `condition()` is truthy and return its value; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"Condition not met within {timeout}s")
            time.sleep(interval)


@pytest.fixture
def celery_broker():
    """The tests' own broker database, emptied; the test process's app sends tasks there."""
    url = test_broker_url()
    client = redis.Redis.from_url(url)
    client.flushdb()
    previous = _point_app_at(
        broker_url=url,
        broker_read_url=url,
        broker_write_url=url,
        result_backend=url,
        task_always_eager=False,
    )
    yield url
    _point_app_at(**previous)
    client.flushdb()
    client.close()


@pytest.fixture
def celery_workers(transactional_db, celery_broker):
    workers = CeleryWorkers(celery_broker)
    yield workers
    workers.stop_all()

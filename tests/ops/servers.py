"""Real servers the fault tests start, break and restart: their own Redis, their own PostgreSQL
cluster, and the app itself under gunicorn. Never the shared PostgreSQL and Redis."""

import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_ATTEMPTS = 150
STARTUP_POLL_SECONDS = 0.2


def free_port(start):
    """A free loopback port from `start` on (randomized so concurrent runs rarely meet)."""
    for port in random.sample(range(start, start + 500), 500):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port from {start}.")


def wait_for(ready, what):
    """Poll `ready()` until it returns a true value; fail with `what` if it never does."""
    for _ in range(STARTUP_ATTEMPTS):
        if ready():
            return
        time.sleep(STARTUP_POLL_SECONDS)
    raise RuntimeError(f"{what} did not come up.")


class RedisServer:
    """A throwaway redis-server on its own port, without persistence."""

    def __init__(self, port):
        self.port = port
        self.process = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)

    def _answers(self):
        try:
            return self.client().ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(self._answers, f"redis-server on port {self.port}")
        except BaseException:
            self.kill()
            raise

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _postgres_binary(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if found:
        return found[-1]
    return shutil.which(name) or name


def _version_key(path):
    version = Path(path).parents[1].name
    return int(version) if version.isdigit() else 0


class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb + pg_ctl as the postgres OS user), trust auth on
    127.0.0.1:port, in a temporary directory removed by `destroy`."""

    def __init__(self, port):
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="bb-ops-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        shutil.chown(self.directory, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, *command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def init(self):
        self._as_postgres(
            _postgres_binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync",
        )  # fmt: skip

    def _pg_ctl(self, action, *extra):
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._as_postgres(
            _postgres_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", *extra, action,
        )  # fmt: skip

    def start(self):
        self._pg_ctl("start")

    def stop(self):
        self._pg_ctl("stop", "-m", "fast")

    def restart(self):
        self._pg_ctl("restart", "-m", "fast")

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def app_environment(**overrides):
    """The environment the app runs with in a subprocess: production-like (DEBUG off)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_", "PYTEST_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="betterbros.settings",
        DJANGO_READ_DOT_ENV_FILE="false",
        DEBUG="false",
        SECRET_KEY="ops-tests-only-secret-key-that-is-long-enough-for-django-checks",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # No collectstatic in tests: the plain storage serves admin pages without a manifest.
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        DATABASE_CONNECT_TIMEOUT="2",
        HEALTH_CHECK_TIMEOUT="3",
    )
    environment.update({key: str(value) for key, value in overrides.items()})
    return environment


def manage(*arguments, environment, check=True, input=None):
    """Run `manage.py` in a subprocess; return the CompletedProcess (text)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        input=input,
        capture_output=True,
        text=True,
        check=check,
    )


class AppServer:
    """The app under gunicorn with the project's gunicorn.conf.py, on its own port."""

    def __init__(self, environment):
        self.port = free_port(8700)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.environment = {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "2",
            "GUNICORN_ACCESS_LOG": "",
        }
        self.log_path = Path(tempfile.mkdtemp(prefix="bb-ops-gunicorn-")) / "gunicorn.log"
        self.process = None

    def _answers(self):
        try:
            return requests.get(f"{self.base_url}/health/live/", timeout=5).ok
        except requests.RequestException:
            return self.process.poll() is not None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "betterbros.wsgi"],
                cwd=PROJECT_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(self._answers, "gunicorn")
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
        except BaseException:
            self.stop()
            raise

    def output(self):
        return self.log_path.read_text(errors="replace")

    def get(self, path, **kwargs):
        return requests.get(f"{self.base_url}{path}", timeout=15, **kwargs)

    def stop(self):
        """Stop gunicorn (gracefully); return everything it logged."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        output = self.output() if self.log_path.exists() else ""
        shutil.rmtree(self.log_path.parent, ignore_errors=True)
        return output

"""The documentation's shell blocks, run as written.

Each ```bash block of README.md and of the reference pages it points to (`DOCUMENTS`) is either
run here or skipped by name with the reason. The "Running on PostgreSQL + Redis" block
(docs/operations.md) runs verbatim with bash against a throwaway `readme_…`
database on the suite's PostgreSQL server (only the database name and the Redis db number are
changed), gunicorn included: its bind comes from `GUNICORN_BIND`, which `gunicorn.conf.py`
reads. Then the examples that use `seed_demo`'s data (a DRF token for the demo staff email, the
curl calls, `export_props --snapshot …`) run against the same database and server, with only the
port of `http://127.0.0.1:8000` changed.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from props.management.commands import seed_demo

from .servers import PROJECT_DIR, free_port

# Runs the blocks against the suite's PostgreSQL server and Redis.
pytestmark = [pytest.mark.slow, pytest.mark.services]

# The pages whose commands are tested; a page moved or added here keeps its blocks run.
DOCUMENTS = (
    "README.md",
    "docs/operations.md",
    "docs/api.md",
    "docs/imports.md",
    "docs/admin.md",
    "docs/data-model.md",
)
DOCS_TEXT = "\n".join((PROJECT_DIR / document).read_text() for document in DOCUMENTS)
BLOCKS = re.findall(r"^```bash\n(.*?)^```", DOCS_TEXT, flags=re.MULTILINE | re.DOTALL)

README_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/betterbros"
README_REDIS_URL = "redis://127.0.0.1:6379/0"
README_BASE_URL = "http://127.0.0.1:8000"

# A block is recognised by a line it holds; every block must be run or skipped here.
POSTGRES_BLOCK = "python manage.py db upgrade"
AUTH_BLOCK = "drf_create_token"
BOARD_BLOCK = "/api/v1/prop-markets/?league="
EXPORT_BLOCK = "python manage.py export_props"
SKIPPED_BLOCKS = {
    "make run": "`make run`/`make test` are what CI runs; the suite is part of them.",
    "docker compose up": "needs Docker, which the test machine does not have.",
    "python manage.py import_props": (
        "example file names (books.csv, board.csv) and a URL, not seed_demo's data; "
        "the importer's own tests run every format."
    ),
}
# The sign-in groups of the authentication block that need an identity provider's token.
SKIPPED_AUTH_GROUPS = {
    "$CLERK_SESSION_TOKEN": "needs a session token signed by a Clerk instance.",
    "$SUPABASE_ACCESS_TOKEN": "needs an access token signed by a Supabase project.",
}
STARTUP_SECONDS = 240


def _block(marker):
    found = [block for block in BLOCKS if marker in block]
    assert len(found) == 1, f"expected one documented bash block with {marker!r}: {len(found)}"
    return found[0]


def test_every_documented_bash_block_is_run_or_skipped_with_a_reason():
    known = [POSTGRES_BLOCK, AUTH_BLOCK, BOARD_BLOCK, EXPORT_BLOCK, *SKIPPED_BLOCKS]
    assert BLOCKS
    assert "make run" in BLOCKS[0] and "make test" in BLOCKS[0], "the README opens with them"
    for block in BLOCKS:
        matches = [marker for marker in known if marker in block]
        assert len(matches) == 1, f"documented bash block not covered (or ambiguous):\n{block}"


def _auth_groups():
    """The authentication block's examples: groups of lines separated by blank lines."""
    groups = [group for group in _block(AUTH_BLOCK).split("\n\n") if group.strip()]
    run = {}
    for group in groups:
        if any(variable in group for variable in SKIPPED_AUTH_GROUPS):
            continue
        if "drf_create_token" in group:
            run["token"] = group
        elif "csrfmiddlewaretoken" in group:
            run["session"] = group
        else:
            raise AssertionError(f"README sign-in example not covered:\n{group}")
    assert set(run) == {"token", "session"}
    return run


def _suite_url(variable, default):
    return os.environ.get(variable) or default


def _throwaway_database_url():
    suite = urlsplit(_suite_url("DATABASE_URL", README_DATABASE_URL))
    name = f"readme_{uuid.uuid4().hex[:12]}"
    return name, urlunsplit((suite.scheme, suite.netloc, f"/{name}", "", ""))


def _redis_url():
    suite = urlsplit(_suite_url("REDIS_URL", "redis://127.0.0.1:6379/1"))
    return urlunsplit((suite.scheme, suite.netloc, suite.path or "/1", "", ""))


def _drop_database(database_url, name):
    server = urlsplit(database_url)
    maintenance = urlunsplit(("postgresql", server.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _shell_environment(**extra):
    """A newcomer's shell: no variables of the suite, the venv's `python` and `gunicorn` first."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_", "PYTEST_", "GUNICORN_", "STATIC"))
        and key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TOKEN"}
    }
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    # A developer's own .env in the checkout must not change what is tested.
    environment["DJANGO_READ_DOT_ENV_FILE"] = "false"
    environment.update(extra)
    return environment


def _run(script, *, cwd, environment, timeout=120):
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"README example failed ({result.returncode}):\n{script}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    assert result.stdout.strip() or result.stderr.strip(), f"no output from:\n{script}"
    return result


class ReadmeServer:
    """The PostgreSQL block run by bash: migrations, static files, seed_demo, then gunicorn in the
    foreground of that bash, stopped with its process group."""

    def __init__(self, script, environment, port, log_path):
        self.script = script
        self.environment = environment
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["bash", "-e", "-o", "pipefail", "-c", self.script],
                cwd=PROJECT_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the README block exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                if requests.get(f"{self.base_url}/health/live/", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"gunicorn never answered /health/live/:\n{self.log()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def readme_server():
    block = _block(POSTGRES_BLOCK)
    assert README_DATABASE_URL in block and README_REDIS_URL in block
    name, database_url = _throwaway_database_url()
    redis_url = _redis_url()
    script = block.replace(README_DATABASE_URL, database_url).replace(README_REDIS_URL, redis_url)
    work = Path(tempfile.mkdtemp(prefix="bb-readme-"))
    port = free_port(8900)
    environment = _shell_environment(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        # collectstatic writes to a directory of this run, not the shared checkout's staticfiles/.
        STATIC_ROOT=str(work / "staticfiles"),
    )
    server = ReadmeServer(script, environment, port, work / "block.log")
    server.database_url = database_url
    server.redis_url = redis_url
    server.work = work
    try:
        server.start()
        yield server
    finally:
        server.stop()
        _drop_database(database_url, name)
        subprocess.run(["rm", "-rf", str(work)], check=False)


@pytest.fixture
def example_shell(readme_server, tmp_path):
    """Where the examples run: a fresh directory (the files they write land there) holding a
    link to manage.py, with the variables the PostgreSQL block exported."""
    (tmp_path / "manage.py").symlink_to(PROJECT_DIR / "manage.py")
    environment = _shell_environment(
        DATABASE_URL=readme_server.database_url,
        REDIS_URL=readme_server.redis_url,
        SECRET_KEY="readme-examples-only-secret-key-long-enough-for-the-checks",
    )

    def run(script):
        script = script.replace(README_BASE_URL, readme_server.base_url)
        return _run(script, cwd=tmp_path, environment=environment)

    return run


def test_the_postgres_block_serves_the_app_with_debug_off(readme_server):
    log = readme_server.log()
    assert "Traceback" not in log
    assert seed_demo.STAFF_EMAIL in log  # seed_demo ran and printed the login
    base = readme_server.base_url
    assert requests.get(f"{base}/health/ready/", timeout=15).status_code == 200
    login = requests.get(f"{base}/admin/login/", timeout=15)
    assert login.status_code == 200
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', login.text)
    assert stylesheets
    # DEBUG off: the manifest's hashed names, served by whitenoise.
    assert all(re.search(r"\.[0-9a-f]{12}\.css$", path) for path in stylesheets)
    assert requests.get(f"{base}{stylesheets[0]}", timeout=15).status_code == 200
    missing = requests.get(f"{base}/no-such-page/", timeout=15)
    assert missing.status_code == 404
    assert "DEBUG = True" not in missing.text


def test_the_drf_token_example_signs_in_the_demo_staff(example_shell):
    script = _auth_groups()["token"] + '\ntest -n "$TOKEN"\n'
    me = json.loads(example_shell(script).stdout)
    assert me["email"] == seed_demo.STAFF_EMAIL


def test_the_board_example_lists_demo_markets(example_shell):
    token_line = next(
        line for line in _auth_groups()["token"].splitlines() if line.startswith("TOKEN=")
    )
    board = json.loads(example_shell(f"{token_line}\n{_block(BOARD_BLOCK)}").stdout)
    assert board["results"]
    assert {market["league"] for market in board["results"]} == {"NFL"}


def test_the_session_example_signs_in_and_patches_the_profile(example_shell):
    result = example_shell(_auth_groups()["session"])
    assert json.loads(result.stdout)["full_name"] == "Pat"


def test_the_export_examples_write_demo_markets(example_shell, tmp_path):
    result = example_shell(_block(EXPORT_BLOCK))
    counts = [int(count) for count in re.findall(r"Exported (\d+) markets", result.stderr)]
    assert len(counts) == 2 and all(count > 0 for count in counts), result.stderr
    csv_rows = (tmp_path / "nfl-week-5.csv").read_text().splitlines()
    assert len(csv_rows) == counts[0] + 1  # the header
    board = [json.loads(line) for line in (tmp_path / "board.jsonl").read_text().splitlines()]
    assert len(board) == counts[1]
    assert {row["snapshot"] for row in board} == {"demo-nfl-week-5-2024-final"}

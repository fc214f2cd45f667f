"""docker-compose.yml takes its values from the environment or a .env file, and checks without
SECRET_KEY exported (the app itself refuses to start without one)."""

import os
import shutil
import subprocess

import pytest

from .servers import PROJECT_DIR

COMPOSE = PROJECT_DIR / "docker-compose.yml"


def compose_command():
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("docker-compose is not installed (apt-get install docker-compose)")


def compose_config(directory):
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    return subprocess.run(
        [*compose_command(), "config"], cwd=directory, env=environment, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip


def test_the_file_requires_no_variable_to_be_exported():
    assert ":?" not in COMPOSE.read_text()


def test_compose_config_works_without_secret_key(tmp_path):
    shutil.copy(COMPOSE, tmp_path)
    result = compose_config(tmp_path)
    assert result.returncode == 0, result.stderr


def test_compose_reads_the_secret_key_from_a_dot_env_beside_it(tmp_path):
    shutil.copy(COMPOSE, tmp_path)
    env_file = (PROJECT_DIR / ".env.example").read_text() + "SECRET_KEY=from-the-dot-env-file\n"
    (tmp_path / ".env").write_text(env_file)
    result = compose_config(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from-the-dot-env-file" in result.stdout

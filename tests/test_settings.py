"""The embedded default (no DATABASE_URL / REDIS_URL) and the settings' safety rules, each checked
in a fresh interpreter with a controlled environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="betterbros.settings",
               DJANGO_READ_DOT_ENV_FILE="false")  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_without_urls_the_app_uses_a_sqlite_file_and_the_local_memory_cache(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)",
        {"DEBUG": "true"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    engine, name, cache, sessions = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert sessions == "django.contrib.sessions.backends.db"


def test_sqlite_default_migrates_creates_and_queries(tmp_path):
    database = tmp_path / "smoke.sqlite3"
    code = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from props.models import PropMarket
PropMarket.objects.create(week=5, league="NFL", player_name="Patrick Mahomes",
                          market_type="passing_yards", line=275.5, odds=-110, platform="prizepicks")
market = PropMarket.objects.board(league="NFL", week=5).get()
print(market.player_name, market.odds)
"""
    result = run_python(code, {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("Patrick Mahomes 1.9091")


def test_the_app_refuses_to_serve_without_a_secret_key_when_debug_is_off(tmp_path):
    for entry_point in ("betterbros.wsgi", "betterbros.asgi"):
        result = run_python(f"import {entry_point}", {}, tmp_path)
        assert result.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_commands_that_sign_nothing_run_without_a_secret_key(tmp_path):
    database = tmp_path / "commands.sqlite3"
    result = run_python(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('makemigrations', check=True, dry_run=True, verbosity=0); "
        "call_command('migrate', verbosity=0); print('ok')",
        {"DATABASE_URL": f"sqlite:///{database}"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_debug_is_off_unless_asked(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        {"SECRET_KEY": "x" * 50},
        tmp_path,
    )
    assert result.stdout.strip() == "False"


def env_example_values():
    """Every variable `.env.example` sets, as `cp .env.example .env` gives them."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_every_empty_value_of_env_example_means_unset(tmp_path):
    values = env_example_values()
    assert values["DATABASE_URL"] == values["REDIS_URL"] == values["SECRET_KEY"] == ""
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.SECRET_KEY == 'django-insecure-development-only-key-do-not-use-in-production', "
        "s.ADMIN_IMPORT_DIR.name, s.CSRF_TRUSTED_ORIGINS, s.CELERY_TASK_ALWAYS_EAGER)",
        {**values, "DEBUG": "true"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "betterbros-admin-imports",
        "[]",
        "True",  # no broker: tasks run in the calling process
    ]


def test_an_empty_secret_key_with_debug_off_still_refuses_to_serve(tmp_path):
    result = run_python("import betterbros.wsgi", {**env_example_values()}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_app_refuses_to_serve_before_collectstatic_when_debug_is_off(tmp_path):
    empty_static_root = tmp_path / "static"
    for entry_point in ("betterbros.wsgi", "betterbros.asgi"):
        result = run_python(
            f"import {entry_point}",
            {"SECRET_KEY": "x" * 50, "STATIC_ROOT": str(empty_static_root)},
            tmp_path,
        )
        assert result.returncode != 0
        assert "Static files are not collected" in result.stderr
        assert "collectstatic --no-input" in result.stderr


def test_the_app_serves_once_static_files_are_collected(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = run_python(
        "import betterbros.wsgi; print('ok')",
        {"SECRET_KEY": "x" * 50, "STATIC_ROOT": str(static_root)},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_every_variable_the_settings_read_is_listed_in_env_example():
    read = set()
    for path in ("betterbros/settings.py", "gunicorn.conf.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\("([A-Z][A-Z0-9_]*)"', (ROOT / path).read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    assert len(read) > 50  # the pattern still finds the settings' reads
    assert read - listed == set()

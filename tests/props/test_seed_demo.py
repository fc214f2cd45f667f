"""`seed_demo`: a realistic demo loaded through the importer, idempotent, printing the staff
login; and the README's SQLite run (`make run`) working through the importer's portable path."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from props.models import Experiment, PropMarket, SavedSlip, Snapshot

REPO = Path(__file__).resolve().parents[2]
FEEDS = Path(__file__).parent / "feeds"


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return (
        User.objects.count(),
        PropMarket.objects.count(),
        PropMarket.history.count(),
        Snapshot.objects.count(),
        Experiment.objects.count(),
        SavedSlip.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_loads_boards_snapshots_experiments_and_slips_and_prints_the_login():
    output = seed()

    assert "login staff@betterbros.example / betterbros-demo" in output
    assert set(User.objects.values_list("subscription_tier", flat=True)) == {
        "free",
        "pro",
        "enterprise",
    }
    live = PropMarket.objects.live()
    assert live.count() > 3000
    assert set(live.values_list("league", flat=True)) == {"NFL", "NBA", "MLB", "NHL"}
    assert live.values("platform").distinct().count() == 4
    assert PropMarket.history.filter(history_change_reason="import seed_demo").count() == (
        live.count()
    )
    assert Snapshot.objects.get(snapshot_id="demo-nfl-week-5-2024-final").is_locked
    assert not Snapshot.objects.get(snapshot_id="demo-nba-week-12-2024").is_locked
    assert Experiment.objects.exists() and SavedSlip.objects.exists()


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    seed()
    before = counts()

    output = seed()

    assert "nothing changed" in output
    assert counts() == before


def test_the_sqlite_demo_runs_through_the_portable_import_path(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "true",
        "DJANGO_READ_DOT_ENV_FILE": "false",
    }
    env.pop("REDIS_URL", None)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--no-input", "-v", "0")
    assert "Demo data loaded" in manage("seed_demo")
    feed = FEEDS / "underdog-over-under-lines.json"
    assert "3 created, 0 updated, 0 unchanged" in manage("import_props", feed)
    assert "0 created, 0 updated, 3 unchanged" in manage("import_props", feed)

    document = json.loads(feed.read_text())
    document["over_under_lines"][0]["stat_value"] = "280.5"
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(document))
    assert "0 created, 1 updated, 2 unchanged" in manage("import_props", moved)

    manage("import_props", feed, "--snapshot", "demo-underdog", "--create-snapshot")
    del document["over_under_lines"][1]
    pulled = tmp_path / "pulled.json"
    pulled.write_text(json.dumps(document))
    output = manage("import_props", pulled, "--snapshot", "demo-underdog", "--deactivate-missing")
    assert "0 created, 1 updated, 1 unchanged, 1 deactivated" in output

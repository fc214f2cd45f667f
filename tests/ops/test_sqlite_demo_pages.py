"""`make run`'s SQLite demo, page by page: what staff and clients open first answers 200 there
too (the suite itself runs on PostgreSQL, so SQL that only PostgreSQL speaks would otherwise
reach the demo unnoticed)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

VISIT = """
from django.test import Client
from accounts.models import User
from props.models import PropMarket

client = Client()
client.force_login(User.objects.get(email="staff@betterbros.example"))
market = PropMarket.objects.filter(snapshot__isnull=True, league="NFL", week=5).first()
pages = [
    "/admin/",
    "/admin/props/propmarket/",
    "/admin/props/propmarket/?league__exact=NFL&week=5&q=player",
    f"/admin/props/propmarket/{market.pk}/change/",
    f"/admin/props/propmarket/{market.pk}/history/",
    "/admin/props/historicalpropmarket/",
    "/admin/props/importrun/",
    "/admin/props/backgroundjob/",
    "/api/v1/prop-markets/?league=NFL&week=5",
    "/api/v1/prop-markets/movers/?league=NFL&week=5",
    "/api/v1/prop-markets/edges/?league=NFL&week=5",
    f"/api/v1/prop-markets/{market.pk}/history/",
    "/api/v1/import-runs/",
]
for page in pages:
    print(client.get(page).status_code, page)
edge = client.get("/api/v1/prop-markets/edges/?league=NFL&week=5&limit=1").json()["results"][0]
print("edge id", edge["id"], client.get(f"/api/v1/prop-markets/{edge['id']}/").json()["id"])
"""


def test_the_demos_admin_and_api_pages_answer_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_READ_DOT_ENV_FILE": "false",
    }
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    statuses = manage("shell", "-c", VISIT).split("\n")

    answered = [line for line in statuses if " /" in line]
    assert len(answered) == 13
    assert all(line.startswith("200 ") for line in answered), answered
    # An edge names its market by the id the rest of the API uses (SQLite stores 32 hex digits).
    (edge,) = [line.split()[2:] for line in statuses if line.startswith("edge id")]
    assert edge[0] == edge[1] and len(edge[0]) == 36

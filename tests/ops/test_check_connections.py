"""`manage.py check_connections`: the /health/ready/ report, non-zero exit when unhealthy."""

import json
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from .servers import app_environment, manage


@pytest.mark.django_db
def test_prints_the_healthy_report():
    out = StringIO()
    call_command("check_connections", stdout=out)
    report = json.loads(out.getvalue())
    assert report["status"] == "healthy"
    assert report["checks"]["database"]["healthy"] is True
    assert report["checks"]["redis"]["healthy"] is True


@pytest.mark.django_db
def test_names_the_unhealthy_dependency(settings, closed_port):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port}/0"}
    }
    out = StringIO()
    with pytest.raises(CommandError, match="Unhealthy: redis"):
        call_command("check_connections", stdout=out)
    assert json.loads(out.getvalue())["checks"]["redis"]["healthy"] is False


def test_exits_non_zero_when_postgresql_is_unreachable(closed_port):
    environment = app_environment(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/nothing",
        REDIS_URL=django_settings.REDIS_URL,
    )
    result = manage("check_connections", environment=environment, check=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["status"] == "unhealthy"
    assert report["checks"]["database"]["healthy"] is False
    assert report["checks"]["redis"]["healthy"] is True
    assert "Unhealthy: database" in result.stderr

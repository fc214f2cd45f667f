"""Production settings: with the production values documented in .env.example,
`manage.py check --deploy --fail-level WARNING` passes; with the development defaults it fails."""

import re
import secrets

import pytest

from .servers import PROJECT_DIR, app_environment, manage

PRODUCTION_LINE = re.compile(r"^#   ([A-Z_]+)=(.*)$")


def documented_production_values():
    text = (PROJECT_DIR / ".env.example").read_text()
    block = text.split("# --- Production ---", 1)[1]
    values = dict(
        match.groups() for line in block.splitlines() if (match := PRODUCTION_LINE.match(line))
    )
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def deploy_check(**values):
    return manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=app_environment(**values),
        check=False,
    )


@pytest.mark.services
def test_documented_production_values_pass_the_deploy_check():
    values = documented_production_values()
    assert {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS"} <= set(values)
    result = deploy_check(**values)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_fail_the_deploy_check():
    result = deploy_check()
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr

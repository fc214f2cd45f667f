"""/health/live/ and /health/ready/: the JSON contract, 503 when a dependency is down, errors,
latencies and the database figures for staff only, and no HTTPS redirect for probes."""

import socket

import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token

from tests.factories import StaffUserFactory, UserFactory

from .servers import free_port


def redis_at(port):
    return {
        "default": {**django_settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }


def test_live_answers_without_touching_anything(client):
    # No `db` fixture: any database query would fail this test.
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffUserFactory())
    return client


@pytest.mark.django_db
def test_ready_tells_anonymous_callers_only_healthy_or_not_per_check(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "healthy",
        "checks": {"database": {"healthy": True}, "redis": {"healthy": True}},
    }


@pytest.mark.django_db
def test_ready_hides_the_host_and_error_of_a_failing_check_from_anonymous_callers(
    client, settings, closed_port
):
    settings.CACHES = redis_at(closed_port)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"healthy": False}
    assert str(closed_port) not in response.content.decode()
    assert "ConnectionError" not in response.content.decode()


@pytest.mark.django_db
def test_ready_hides_the_detail_from_signed_in_non_staff_users(client, settings, closed_port):
    settings.CACHES = redis_at(closed_port)
    token = Token.objects.create(user=UserFactory())
    response = client.get("/health/ready/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.json()["checks"]["redis"] == {"healthy": False}


def test_ready_reports_each_dependency_healthy_to_staff(staff_client):
    response = staff_client.get("/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert set(body["checks"]) == {"database", "redis"}
    for check in body["checks"].values():
        assert check["healthy"] is True
        assert check["error"] is None
        assert check["latency_ms"] >= 0
    assert "database_info" not in body


@pytest.mark.django_db
def test_ready_is_never_cached(client):
    response = client.get("/health/ready/")
    assert "no-cache" in response["Cache-Control"]


def test_ready_is_503_when_redis_is_unreachable(staff_client, settings, closed_port):
    settings.CACHES = redis_at(closed_port)
    response = staff_client.get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["healthy"] is True
    assert body["checks"]["redis"]["healthy"] is False
    assert "ConnectionError" in body["checks"]["redis"]["error"]


def test_ready_gives_up_on_a_dependency_that_does_not_answer(staff_client, settings):
    # A socket that accepts connections but never answers, like a hung Redis.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", free_port(6950)))
        silent.listen()
        settings.CACHES = redis_at(silent.getsockname()[1])
        settings.HEALTH_CHECK_TIMEOUT = 0.1
        response = staff_client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {
        "healthy": False,
        "error": "no answer within 0.1 s",
        "latency_ms": None,
    }


def test_ready_says_redis_is_not_configured_without_redis_url(staff_client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = staff_client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {
        "healthy": True,
        "error": None,
        "latency_ms": None,
        "configured": False,
    }


@pytest.mark.django_db
def test_verbose_ready_gives_staff_token_callers_the_database_figures(client):
    token = Token.objects.create(user=StaffUserFactory())
    response = client.get("/health/ready/?verbose=1", HTTP_AUTHORIZATION=f"Token {token.key}")
    info = response.json()["database_info"]
    assert info["server_version"].startswith("PostgreSQL ")
    assert info["size_bytes"] > 0
    assert info["pool"]["enabled"] is False
    assert "DATABASE_POOL" in info["pool"]["detail"]


@pytest.mark.django_db
def test_verbose_ready_gives_signed_in_staff_the_database_figures(client):
    client.force_login(StaffUserFactory())
    response = client.get("/health/ready/?verbose=1")
    assert "database_info" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["anonymous", "user token", "bad token"])
def test_verbose_ready_hides_the_database_figures_from_others(client, caller):
    headers = {}
    if caller == "user token":
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=UserFactory()).key}"
    elif caller == "bad token":
        headers["HTTP_AUTHORIZATION"] = "Token not-a-real-token"
    response = client.get("/health/ready/?verbose=1", **headers)
    assert response.status_code == 200
    assert "database_info" not in response.json()


@pytest.mark.django_db
def test_health_checks_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live/").status_code == 200
    assert client.get("/health/ready/").status_code == 200
    assert client.get("/admin/login/").status_code == 301

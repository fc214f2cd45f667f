"""PostgreSQL restarted under a running app: the next request succeeds without restarting the
app (CONN_HEALTH_CHECKS, or the pool's connection check); while it is down, the health check,
the admin and the API answer 503 with a clear message, not a traceback. The cluster is the
test's own (initdb + pg_ctl on a free port); the app runs under gunicorn against it."""

import re

import pytest
import requests

from .servers import AppServer, PostgresCluster, app_environment, free_port, manage

# Its app server migrates a copy of the suite's PostgreSQL database.
pytestmark = pytest.mark.services

STAFF_EMAIL = "ops@example.com"
STAFF_PASSWORD = "correct-horse-battery-staple"
UNAVAILABLE = "The database is unavailable; try again shortly."


@pytest.fixture(scope="module")
def cluster():
    """Our own PostgreSQL, migrated, with a staff user and their API token."""
    own = PostgresCluster(free_port(5440))
    try:
        own.init()
        own.start()
        environment = app_environment(DATABASE_URL=own.url)
        manage("migrate", "--no-input", environment=environment)
        manage(
            "createsuperuser",
            "--no-input",
            "--email",
            STAFF_EMAIL,
            environment={**environment, "DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD},
        )
        created = manage("drf_create_token", STAFF_EMAIL, environment=environment).stdout
        own.token = re.search(r"Generated token (\w+)", created).group(1)
        yield own
    finally:
        own.destroy()


@pytest.fixture(params=["persistent connections", "psycopg pool"])
def app(request, cluster):
    pool = request.param == "psycopg pool"
    environment = app_environment(
        DATABASE_URL=cluster.url,
        DATABASE_POOL=str(pool).lower(),
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_TIMEOUT="3",
        DATABASE_POOL_RECONNECT_TIMEOUT="1.5",
    )
    server = AppServer(environment)
    server.pooled = pool
    server.start()
    yield server
    server.stop()


def staff_session(app):
    session = requests.Session()
    session.get(f"{app.base_url}/admin/login/", timeout=15)
    response = session.post(
        f"{app.base_url}/admin/login/?next=/admin/",
        data={
            "username": STAFF_EMAIL,
            "password": STAFF_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=15,
    )
    assert response.url.endswith("/admin/"), response.text[:500]
    return session


def assert_everything_answers(app, session, token):
    assert app.get("/health/ready/").status_code == 200
    assert session.get(f"{app.base_url}/admin/", timeout=15).status_code == 200
    api = app.get("/api/v1/users/me/", headers={"Authorization": f"Token {token}"})
    assert api.status_code == 200, api.text
    assert api.json()["email"] == STAFF_EMAIL


def test_the_next_request_after_a_restart_succeeds(app, cluster):
    session = staff_session(app)
    assert_everything_answers(app, session, cluster.token)
    cluster.restart()
    assert_everything_answers(app, session, cluster.token)
    assert "Traceback" not in app.output()


def test_requests_during_an_outage_get_a_clear_503(app, cluster):
    session = staff_session(app)
    assert_everything_answers(app, session, cluster.token)
    cluster.stop()
    try:
        ready = app.get("/health/ready/")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unhealthy"
        # An anonymous probe learns that, not the host or the error text.
        assert ready.json()["checks"]["database"] == {"healthy": False}

        admin = session.get(f"{app.base_url}/admin/", timeout=15)
        assert admin.status_code == 503
        assert UNAVAILABLE in admin.text
        assert admin.headers["Retry-After"] == "5"

        api = app.get("/api/v1/users/me/", headers={"Authorization": f"Token {cluster.token}"})
        assert api.status_code == 503
        assert api.json() == {"detail": UNAVAILABLE}
    finally:
        cluster.start()
    assert_everything_answers(app, session, cluster.token)


def test_verbose_ready_reports_the_apps_pool(app, cluster):
    response = app.get(
        "/health/ready/?verbose=1", headers={"Authorization": f"Token {cluster.token}"}
    )
    pool = response.json()["database_info"]["pool"]
    assert pool["enabled"] is app.pooled
    if app.pooled:
        assert pool["max_size"] == 10
        assert pool["in_use"] + pool["available"] == pool["size"]

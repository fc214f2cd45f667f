"""Error responses: unmatched URLs under /api/ answer in the API's error format, other pages
stay HTML; a database outage is a 503 with a clear message, never a traceback."""

import pytest


def test_an_unmatched_api_url_is_a_json_404(client):
    response = client.get("/api/v1/snapshots/not a slug/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_api_resource_is_a_json_404(client):
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_outside_the_api_is_an_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def failing_views(settings, client):
    """The project's URLs plus views that fail; errors become responses, as in production."""
    settings.ROOT_URLCONF = "tests.ops.error_urls"
    client.raise_request_exception = False
    return client


def test_a_database_outage_in_a_page_is_a_503_page(failing_views):
    response = failing_views.get("/ops-test/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"The database is unavailable; try again shortly." in response.content
    assert b"Traceback" not in response.content


def test_a_database_outage_under_the_api_is_json(failing_views):
    response = failing_views.get("/api/ops-test/database-gone/")
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable; try again shortly."}


def test_a_database_outage_escaping_the_middleware_is_still_a_503(failing_views, settings):
    # Without the middleware (as for an error raised inside another middleware), the 500
    # handler still recognises the outage.
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.endswith("DatabaseUnavailableMiddleware")
    ]
    response = failing_views.get("/ops-test/database-gone/")
    assert response.status_code == 503
    assert b"The database is unavailable" in response.content


def test_another_error_under_the_api_is_a_json_500(failing_views):
    response = failing_views.get("/api/ops-test/broken/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}

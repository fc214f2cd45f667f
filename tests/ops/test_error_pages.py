"""Unmatched URLs under /api/ answer in the API's error format; other pages stay HTML."""


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

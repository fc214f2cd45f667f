"""Filter errors (issue 11, points 2 and 19): keyed by the query parameter that was wrong, in a
plain sentence that names it; a value that looks like a format string is quoted, not
formatted (`?ordering=x%s` was a 500)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/experiments/", "/api/v1/experiments/stats/"])
@pytest.mark.parametrize("value", ["x%s", "%(name)s", "%d%%", "-metric:%s"])
def test_an_ordering_with_format_characters_is_400(user_client, path, value):
    response = user_client.get(path, {"ordering": value})

    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


def test_the_ordering_message_quotes_the_value(user_client):
    response = user_client.get("/api/v1/experiments/", {"ordering": "x%s"})

    assert response.json()["ordering"][0].startswith("Cannot order by 'x%s': use created_at")


@pytest.mark.parametrize(
    "path, query, expected",
    [
        ("/api/v1/prop-markets/", "line_min=NaN", {"line_min": "line_min must be a number."}),
        (
            "/api/v1/prop-markets/",
            "line_min=1&line_max=x",
            {"line_max": "line_max must be a number."},
        ),
        (
            "/api/v1/prop-markets/",
            "week=5.5",
            {"week": "week must be a whole number from 0 to 60."},
        ),
        (
            "/api/v1/prop-markets/",
            "league=NFL&week=5.5",
            {"week": "week must be a whole number from 0 to 60."},
        ),
        (
            "/api/v1/prop-markets/",
            "league=nfl",
            {"league": "league must be one of NFL, NBA, MLB, NHL."},
        ),
        (
            "/api/v1/prop-markets/",
            "is_active=maybe",
            {"is_active": "is_active must be true or false."},
        ),
        (
            "/api/v1/prop-markets/",
            "season=1800&team=KC",
            {"season": "season must be a whole number from 1900 to 2100."},
        ),
        (
            "/api/v1/prop-markets/",
            "game_date_before=2024-13-01",
            {"game_date_before": "game_date_before must be a date (YYYY-MM-DD)."},
        ),
        (
            "/api/v1/prop-markets/",
            "player=a%00b",
            {"player": "player may not contain NUL characters."},
        ),
        (
            "/api/v1/prop-markets/compare/",
            "line_max=inf",
            {"line_max": "line_max must be a number."},
        ),
        ("/api/v1/saved-slips/", "ev_min=abc", {"ev_min": "ev_min must be a number."}),
        (
            "/api/v1/experiments/",
            "week=-1",
            {"week": "week must be a whole number from 0 to 60."},
        ),
        ("/api/v1/experiments/", "user=1", {"user": "user must be an id (UUID)."}),
        (
            "/api/v1/snapshots/",
            "is_locked=maybe",
            {"is_locked": "is_locked must be true or false."},
        ),
        (
            "/api/v1/saved-slips/",
            "is_placed=maybe",
            {"is_placed": "is_placed must be true or false."},
        ),
    ],
)
def test_a_filter_error_names_the_parameter_in_a_plain_sentence(user_client, path, query, expected):
    response = user_client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response.json() == {name: [message] for name, message in expected.items()}


def test_staffs_user_filters_name_the_parameter(staff_client):
    response = staff_client.get("/api/v1/users/?subscription_tier=gold")

    assert response.status_code == 400
    assert response.json() == {
        "subscription_tier": ["subscription_tier must be one of free, pro, enterprise."]
    }


@pytest.mark.parametrize("parameter", ["is_staff", "is_active"])
def test_staffs_boolean_user_filters_refuse_what_is_not_true_or_false(staff_client, parameter):
    response = staff_client.get(f"/api/v1/users/?{parameter}=maybe")

    assert response.status_code == 400
    assert response.json() == {parameter: [f"{parameter} must be true or false."]}


def test_staffs_boolean_user_filters_take_true_and_false(staff_client, user):
    staff = staff_client.get("/api/v1/users/?is_staff=true").json()["results"]
    others = staff_client.get("/api/v1/users/?is_staff=false").json()["results"]

    assert staff and all(row["is_staff"] for row in staff)
    assert str(user.pk) in {row["id"] for row in others}

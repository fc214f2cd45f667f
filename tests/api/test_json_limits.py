"""Hostile bodies (issue 11, points 1 and 5): a body over API_MAX_BODY_BYTES is a 413; a JSON
field nested deeper than MAX_JSON_DEPTH, larger than JSON_FIELD_MAX_BYTES, or holding a lone
surrogate or a number no float can hold is a 400 naming the field, and nothing is written."""

import json

import pytest

from accounts.models import User
from props.models import PropMarket, SavedSlip, Snapshot
from props.validators import MAX_JSON_DEPTH
from tests.factories import PropMarketFactory

pytestmark = pytest.mark.django_db

LEG = {"player": "Travis Kelce", "stat": "receptions", "line": 5.5}
MARKET = {
    "week": 5,
    "league": "NFL",
    "player_name": "Deep Player",
    "market_type": "passing_yards",
    "line": 250.5,
    "platform": "prizepicks",
}


def nested(depth, leaf="1", container="object"):
    """JSON text `depth` containers deep: {"a":{"a":…1…}} or [[[…1…]]]."""
    if container == "object":
        return '{"a":' * depth + leaf + "}" * depth
    return "[" * depth + leaf + "]" * depth


# (actor, method, url, the body's other fields, the JSON field, the container it must be)
JSON_FIELDS = [
    ("user", "post", "/api/v1/saved-slips/", {}, "legs", "array"),
    ("user", "post", "/api/v1/saved-slips/", {"legs": [LEG]}, "tags", "array"),
    ("user", "post", "/api/v1/saved-slips/", {"legs": [LEG]}, "correlations", "array"),
    (
        "user",
        "post",
        "/api/v1/experiments/",
        {"week": 5, "league": "NFL", "bankroll": 100.0},
        "metrics",
        "object",
    ),
    ("user", "patch", "/api/v1/users/me/", {}, "user_metadata", "object"),
    (
        "staff",
        "post",
        "/api/v1/snapshots/",
        {"snapshot_id": "deep", "league": "NFL", "week": 5},
        "config",
        "object",
    ),
    ("staff", "post", "/api/v1/prop-markets/", MARKET, "extra_metadata", "object"),
]
FIELD_IDS = [field for *_, field, _ in JSON_FIELDS]


def send(client, method, url, text):
    return getattr(client, method)(url, data=text, content_type="application/json")


def body_text(others, field, value_text):
    return json.dumps(others)[:-1] + (", " if others else "") + f'"{field}": {value_text}}}'


def nothing_written(user):
    user.refresh_from_db()
    return (
        not SavedSlip.objects.exists()
        and not Snapshot.objects.filter(snapshot_id="deep").exists()
        and not PropMarket.objects.filter(player_name="Deep Player").exists()
        and user.user_metadata == {}
    )


@pytest.fixture
def clients(client_for, user, staff_user):
    return {"user": client_for(user), "staff": client_for(staff_user)}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 930], ids=["just-over", "recursion"])
@pytest.mark.parametrize("actor, method, url, others, field, container", JSON_FIELDS, ids=FIELD_IDS)
def test_json_nested_too_deep_is_400_naming_the_field(
    clients, user, depth, actor, method, url, others, field, container
):
    text = body_text(others, field, nested(depth, container=container))

    response = send(clients[actor], method, url, text)

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [field]
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in response.json()[field][0]
    assert nothing_written(user)


def test_json_nested_to_the_limit_is_accepted(user_client, user):
    response = send(
        user_client, "patch", "/api/v1/users/me/", body_text({}, "user_metadata", nested(32))
    )

    assert response.status_code == 200, response.content[:300]
    user.refresh_from_db()
    assert json.dumps(user.user_metadata, separators=(",", ":")) == nested(32)


@pytest.mark.parametrize("actor, method, url, others, field, container", JSON_FIELDS, ids=FIELD_IDS)
def test_json_field_larger_than_the_limit_is_400_naming_the_field(
    clients, user, settings, actor, method, url, others, field, container
):
    settings.JSON_FIELD_MAX_BYTES = 2000
    big = "x" * 1000
    value = [big, big, big] if container == "array" else {"a": big, "b": big, "c": big}

    response = getattr(clients[actor], method)(url, {**others, field: value}, format="json")

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [field]
    assert "more than the limit of 2,000" in response.json()[field][0]
    assert nothing_written(user)


def test_body_over_the_limit_is_413_and_nothing_changes(user_client, user, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    text = json.dumps({"user_metadata": {"blob": "x" * 9_000}, "full_name": "y" * 1_000})

    response = send(user_client, "patch", "/api/v1/users/me/", text)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the limit of 10,000 bytes."
    }
    user.refresh_from_db()
    assert user.full_name != "y" * 1_000


def test_a_31_mb_user_metadata_is_refused_by_default(user_client, user):
    text = '{"user_metadata": {"blob": "' + "x" * (31 * 1024 * 1024) + '"}}'

    response = send(user_client, "patch", "/api/v1/users/me/", text)

    assert response.status_code == 413
    assert "detail" in response.json()


def test_a_form_encoded_body_over_the_limit_is_413(user_client, settings):
    settings.API_MAX_BODY_BYTES = 1_000

    response = user_client.patch(
        "/api/v1/users/me/",
        data="full_name=" + "x" * 2_000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413


def test_deep_json_in_a_form_field_is_400_not_a_recursion_error(user_client):
    response = user_client.post(
        "/api/v1/saved-slips/", {"legs": nested(2_000, container="array")}, format="multipart"
    )

    assert response.status_code == 400, response.content[:300]
    assert "legs" in response.json()


@pytest.mark.parametrize(
    "field, value_text",
    [
        ("user_metadata", '{"note": "\\ud800"}'),
        ("user_metadata", '{"\\udfff": 1}'),
        ("full_name", '"Pat \\ud83d"'),
        ("username", '"\\udc00"'),
    ],
)
def test_a_lone_surrogate_is_400_naming_the_field(user_client, user, field, value_text):
    response = send(user_client, "patch", "/api/v1/users/me/", body_text({}, field, value_text))

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [field]
    assert "lone surrogate" in response.json()[field][0]
    assert nothing_written(user)


def test_a_paired_surrogate_is_ordinary_unicode(user_client, user):
    response = send(
        user_client,
        "patch",
        "/api/v1/users/me/",
        body_text({}, "user_metadata", '{"emoji": "\\ud83d\\ude00"}'),
    )

    assert response.status_code == 200, response.content[:300]
    user.refresh_from_db()
    assert user.user_metadata == {"emoji": "\U0001f600"}


@pytest.mark.parametrize(
    "url, text, field",
    [
        ("/api/v1/users/me/", '{"user_metadata": {"n": 1' + "0" * 400 + "}}", "user_metadata"),
        ("/api/v1/users/me/", '{"user_metadata": {"n": 1e400}}', "user_metadata"),
        (
            "/api/v1/experiments/",
            '{"week": 5, "league": "NFL", "bankroll": 100, "metrics": {"roi": 1' + "0" * 400 + "}}",
            "metrics",
        ),
        (
            "/api/v1/saved-slips/",
            '{"legs": [{"player": "A", "stat": "b", "line": 1e400}]}',
            "legs",
        ),
    ],
    ids=["huge-int", "overflowing-float", "huge-metric", "overflowing-line"],
)
def test_numbers_no_float_can_hold_are_400_naming_the_field(user_client, url, text, field):
    method = "patch" if url.endswith("me/") else "post"

    response = send(user_client, method, url, text)

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == [field]


@pytest.mark.parametrize("odds", [-1e9, -2_500_000, 1.00001])
def test_leg_odds_that_round_to_one_are_400(user_client, odds):
    response = user_client.post(
        "/api/v1/saved-slips/", {"legs": [{**LEG, "odds": odds}]}, format="json"
    )

    assert response.status_code == 400, response.content[:300]
    assert "legs[0].odds: The odds round to 1.0" in response.json()["legs"][0]
    assert not SavedSlip.objects.exists()


@pytest.mark.parametrize("given", [{"odds": -1e9}, {"american_odds": -1e9}, {"odds": 1.00001}])
def test_market_odds_that_round_to_one_are_400(staff_client, given):
    market = PropMarketFactory(odds=1.9091)

    response = staff_client.patch(f"/api/v1/prop-markets/{market.pk}/", given, format="json")

    assert response.status_code == 400, response.content[:300]
    market.refresh_from_db()
    assert market.odds == 1.9091


def test_model_validation_refuses_deep_user_metadata(user):
    from django.core.exceptions import ValidationError

    user.user_metadata = json.loads(nested(MAX_JSON_DEPTH + 1))
    with pytest.raises(ValidationError) as info:
        user.full_clean()
    assert "nested deeper than 32 levels" in info.value.message_dict["user_metadata"][0]
    assert User.objects.get(pk=user.pk).user_metadata == {}


def test_the_schema_documents_the_413_of_every_operation_with_a_body():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    with_body = [
        operation
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in ("post", "put", "patch") and "requestBody" in operation
    ]

    assert with_body
    assert all("413" in operation["responses"] for operation in with_body)

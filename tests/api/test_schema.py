"""Real responses of every endpoint, successes and errors, validated against the served
OpenAPI schema (`/api/v1/schema/`): each response's status must be documented for its
operation and its body must match the documented JSON Schema. `test_every_operation_is_exercised`
fails when the schema gains an operation no scenario here calls."""

import copy
import re
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator

from props.services import lock_snapshot
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    UserFactory,
)

from .schema_scenarios import API, SCENARIOS

pytestmark = pytest.mark.django_db


# --- The schema as JSON Schema ----------------------------------------------------------------


def as_json_schema(node):
    """OpenAPI 3.0's `nullable` in JSON Schema terms (3.0 schemas are otherwise JSON Schema)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node and "enum" not in node:
            node["type"] = [node["type"], "null"]
        else:
            return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operation_of(openapi, method, path):
    """The operation a request reaches; literal segments win over parameters, as in routing."""
    candidates = []
    for template, operations in openapi["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            candidates.append((template.count("{"), template, operations[method]))
    assert candidates, f"{method.upper()} {path} is not in the schema"
    _, template, operation = min(candidates)
    return template, operation


def assert_conforms(openapi, method, path, response):
    template, operation = operation_of(openapi, method, path)
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {template}: {status} is not documented"
    content = documented[status].get("content")
    if not content:
        assert not response.content, f"{method.upper()} {template}: undocumented {status} body"
        return
    schema = as_json_schema(content["application/json"]["schema"])
    root = {"allOf": [schema], "components": as_json_schema(copy.deepcopy(openapi["components"]))}
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=str)
    assert not errors, f"{method.upper()} {template} {status}: " + "; ".join(
        f"{list(error.absolute_path)}: {error.message}" for error in errors[:5]
    )


@pytest.fixture
def world(db):
    owner = UserFactory()
    snapshot = SnapshotFactory()
    locked = SnapshotFactory()
    for platform, line in (("prizepicks", 275.5), ("underdog", 280.5)):
        PropMarketFactory(player_name="Patrick Mahomes", platform=platform, line=line)
        PropMarketFactory(snapshot=snapshot, player_name="Patrick Mahomes", platform=platform)
    locked_market = PropMarketFactory(snapshot=locked, player_name="Patrick Mahomes", line=270.5)
    lock_snapshot(snapshot=locked)
    return SimpleNamespace(
        owner=owner,
        other=UserFactory(),
        staff=UserFactory(is_staff=True, clerk_user_id=None),
        snapshot=snapshot,
        locked=locked,
        locked_market=locked_market,
        market=PropMarketFactory(),
        experiment=ExperimentFactory(user=owner, snapshot=snapshot),
        slip=SavedSlipFactory(user=owner, snapshot=snapshot, correlations=[[1, 0.2], [0.2, 1]]),
    )


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_response_conforms_to_the_schema(openapi, client_for, world, settings, name):
    scenario = SCENARIOS[name]
    client = client_for(None if scenario.actor == "anonymous" else getattr(world, scenario.actor))
    headers = scenario.prepare(world, client, settings) if scenario.prepare else {}
    path = scenario.path(world)
    body = scenario.body(world) if scenario.body else None

    response = getattr(client, scenario.method)(path, body, format="json", **headers)

    assert response.status_code == scenario.status, response.content[:500]
    template, _ = operation_of(openapi, scenario.method, path.split("?")[0])
    assert template == scenario.template
    assert_conforms(openapi, scenario.method, path.split("?")[0], response)


def test_every_operation_is_exercised(openapi):
    operations = {
        (template, method)
        for template, methods in openapi["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    }
    exercised = {(scenario.template, scenario.method) for scenario in SCENARIOS.values()}

    assert operations - exercised == set()


def test_schema_describes_the_bearer_and_token_schemes(openapi):
    schemes = openapi["components"]["securitySchemes"]

    assert schemes["clerkJWT"] == {**schemes["clerkJWT"], "type": "http", "scheme": "bearer"}
    assert schemes["supabaseJWT"]["scheme"] == "bearer"
    assert schemes["tokenAuth"]["type"] == "apiKey"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_schema_documents_the_metric_filter_and_ordering(openapi):
    parameters = {
        parameter["name"]: parameter
        for parameter in openapi["paths"][f"{API}/experiments/"]["get"]["parameters"]
    }

    assert {"metric", "metric_gt", "metric_lt", "ordering", "status"} <= set(parameters)
    assert "metric:<name>" in parameters["ordering"]["description"]

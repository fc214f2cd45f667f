"""Fuzzing the API from its own OpenAPI schema: every operation, authenticated with a token as
a staff user and as a plain user (whose reach ends at their own experiments and slips), a
bounded number of generated requests each. No request may end in a 5xx, and
every response must conform to the schema (status-specific body and content type)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.choices import SubscriptionTier
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    StaffUserFactory,
    UserFactory,
)

MAX_EXAMPLES_PER_OPERATION = 10


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture(params=["staff", "user"])
def api_schema(request, transactional_db):
    # Each request commits on its own, as in production (an error in one request must not poison
    # the next one's transaction); the tier with the highest rate keeps throttling out of the way.
    caller_factory = StaffUserFactory if request.param == "staff" else UserFactory
    caller = caller_factory(subscription_tier=SubscriptionTier.ENTERPRISE)
    token = Token.objects.create(user=caller)
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(3)
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    for owner in (caller, UserFactory()):
        ExperimentFactory(user=owner, snapshot=snapshot)
        SavedSlipFactory(user=owner, snapshot=snapshot)
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20241005,
            "headers": {"Authorization": f"Token {token.key}"},
            "generation": {"max-examples": MAX_EXAMPLES_PER_OPERATION},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_never_fails_and_matches_its_schema(case):
    case.call_and_validate(checks=CHECKS)


def test_locked_by_is_nullable_in_the_schema(client):
    snapshot = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]["Snapshot"]
    assert snapshot["properties"]["locked_by"].get("nullable") is True

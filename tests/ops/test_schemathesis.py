"""Fuzzing the API from its own OpenAPI schema: every operation, authenticated as a staff user
with a token, a bounded number of generated requests each. No request may end in a 5xx, and
every response must conform to the schema (status-specific body and content type)."""

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.choices import SubscriptionTier
from betterbros.wsgi import application
from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    StaffUserFactory,
)

MAX_EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(transactional_db):
    # Each request commits on its own, as in production (an error in one request must not poison
    # the next one's transaction); the tier with the highest rate keeps throttling out of the way.
    staff = StaffUserFactory(subscription_tier=SubscriptionTier.ENTERPRISE)
    token = Token.objects.create(user=staff)
    snapshot = SnapshotFactory()
    PropMarketFactory.create_batch(3)
    PropMarketFactory.create_batch(2, snapshot=snapshot)
    ExperimentFactory(user=staff, snapshot=snapshot)
    SavedSlipFactory(user=staff, snapshot=snapshot)
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20241005,
            "headers": {"Authorization": f"Token {token.key}"},
            "generation": {"max-examples": MAX_EXAMPLES_PER_OPERATION},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_never_fails_and_matches_its_schema(case):
    case.call_and_validate(checks=CHECKS)

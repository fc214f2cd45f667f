"""Every endpoint x method x {owner, other user, staff, anonymous}, written as data: adding an
endpoint (or a method's expectation) adds its cases. `test_matrix_covers_every_endpoint`
fails when the router gains an endpoint the matrix does not list.

The "unknown/read-only field" column sends each write's body with a field the endpoint does
not take, and with one of its read-only fields: whoever the write would succeed for gets a 400
naming the field (and nothing changes); everyone else gets the status of the plain write."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import (
    ExperimentFactory,
    PropMarketFactory,
    SavedSlipFactory,
    SnapshotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = ("owner", "other", "staff", "anonymous")
METHODS = ("get", "post", "put", "patch", "delete")
UNAUTHENTICATED = 401


def expect(owner, *, other=None, staff=None, anonymous=UNAUTHENTICATED):
    """Expected status per actor; `other` and `staff` default to the owner's."""
    return {
        "owner": owner,
        "other": owner if other is None else other,
        "staff": owner if staff is None else staff,
        "anonymous": anonymous,
    }


NOT_ALLOWED = expect(405)
OWNED = expect(200, other=404)
STAFF_ONLY = expect(403, staff=200)
STAFF_ONLY_NOT_ALLOWED = expect(403, staff=405)


def every_method(default, **by_method):
    return {method: by_method.get(method, default) for method in METHODS}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # a template: {id} is the `target` object's pk, {snapshot_id} the snapshot's slug
    methods: dict
    target: str | None = None
    query: str = ""
    body: object = field(default=None)  # world -> JSON body of POST/PUT/PATCH
    read_only: str | None = None  # a field the endpoint shows but never takes from a body


LEGS = [{"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5}]
MARKET = {
    "week": 5,
    "league": "NFL",
    "player_name": "Matrix Player",
    "market_type": "passing_yards",
    "line": 250.5,
    "platform": "prizepicks",
}


def no_body(world):
    """Actions that take no body: the column sends an unknown field only."""
    return {}


def experiment_body(world):
    return {"week": 5, "league": "NFL", "risk_mode": "balanced", "bankroll": 500.0}


def slip_body(world):
    return {"legs": LEGS, "name": "from the matrix"}


def new_snapshot_body(world):
    return {"snapshot_id": "captured-by-the-matrix", "league": "NFL", "week": 5, "season": 2024}


def snapshot_body(world):
    slug = world.snapshot.snapshot_id
    return {"snapshot_id": slug, "league": "NFL", "week": 5, "season": 2024, "name": "renamed"}


ENDPOINTS = [
    Endpoint("api-root", "/api/v1/", every_method(NOT_ALLOWED, get=expect(200))),
    Endpoint(
        "schema",
        "/api/v1/schema/",
        every_method(expect(405, anonymous=405), get=expect(200, anonymous=200)),
    ),
    Endpoint(
        "docs",
        "/api/v1/docs/",
        every_method(expect(405, anonymous=405), get=expect(200, anonymous=200)),
    ),
    Endpoint(
        "users-me",
        "/api/v1/users/me/",
        every_method(NOT_ALLOWED, get=expect(200), patch=expect(200)),
        body=lambda world: {"full_name": "Renamed"},
        read_only="credits",
    ),
    Endpoint(
        "users-me-credits",
        "/api/v1/users/me/credits/",
        every_method(NOT_ALLOWED, get=expect(200)),
    ),
    Endpoint("users", "/api/v1/users/", every_method(STAFF_ONLY_NOT_ALLOWED, get=STAFF_ONLY)),
    Endpoint(
        "import-runs",
        "/api/v1/import-runs/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=STAFF_ONLY),
    ),
    Endpoint(
        "user",
        "/api/v1/users/{id}/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=STAFF_ONLY),
        target="owner",
    ),
    Endpoint(
        "user-credits",
        "/api/v1/users/{id}/credits/",
        every_method(STAFF_ONLY_NOT_ALLOWED, post=expect(403, staff=201)),
        target="owner",
        body=lambda world: {"amount": "10.00", "kind": "grant", "reason": "matrix"},
        read_only="created_at",
    ),
    Endpoint(
        "experiments",
        "/api/v1/experiments/",
        every_method(NOT_ALLOWED, get=expect(200), post=expect(201)),
        body=experiment_body,
        read_only="user",
    ),
    Endpoint(
        "experiment",
        "/api/v1/experiments/{id}/",
        every_method(NOT_ALLOWED, get=OWNED, put=OWNED, patch=OWNED, delete=expect(204, other=404)),
        target="experiment",
        body=experiment_body,
        read_only="created_at",
    ),
    Endpoint(
        "experiment-stats",
        "/api/v1/experiments/stats/",
        every_method(NOT_ALLOWED, get=expect(200)),
    ),
    Endpoint(
        "saved-slips",
        "/api/v1/saved-slips/",
        every_method(NOT_ALLOWED, get=expect(200), post=expect(201)),
        body=slip_body,
        read_only="is_placed",
    ),
    Endpoint(
        "saved-slip",
        "/api/v1/saved-slips/{id}/",
        every_method(NOT_ALLOWED, get=OWNED, put=OWNED, patch=OWNED, delete=expect(204, other=404)),
        target="slip",
        body=slip_body,
        read_only="placed_at",
    ),
    Endpoint(
        "saved-slip-place",
        "/api/v1/saved-slips/{id}/place/",
        every_method(NOT_ALLOWED, post=OWNED),
        target="slip",
        body=no_body,
    ),
    Endpoint(
        "snapshots",
        "/api/v1/snapshots/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200), post=expect(403, staff=201)),
        body=new_snapshot_body,
        read_only="is_locked",
    ),
    Endpoint(
        "snapshot",
        "/api/v1/snapshots/{snapshot_id}/",
        every_method(
            STAFF_ONLY_NOT_ALLOWED,
            get=expect(200),
            put=STAFF_ONLY,
            patch=STAFF_ONLY,
            delete=expect(403, staff=204),
        ),
        body=snapshot_body,
        read_only="locked_at",
    ),
    Endpoint(
        "snapshot-lock",
        "/api/v1/snapshots/{snapshot_id}/lock/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=NOT_ALLOWED, post=STAFF_ONLY),
        body=no_body,
    ),
    Endpoint(
        "snapshot-unlock",
        "/api/v1/snapshots/{snapshot_id}/unlock/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=NOT_ALLOWED, post=STAFF_ONLY),
        body=no_body,
    ),
    Endpoint(
        "snapshot-diff",
        "/api/v1/snapshots/{snapshot_id}/diff/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200)),
        query="?against={against}",
    ),
    Endpoint(
        "prop-markets",
        "/api/v1/prop-markets/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200), post=expect(403, staff=201)),
        body=lambda world: MARKET,
        read_only="created_at",
    ),
    Endpoint(
        "prop-market",
        "/api/v1/prop-markets/{id}/",
        every_method(
            STAFF_ONLY_NOT_ALLOWED,
            get=expect(200),
            put=STAFF_ONLY,
            patch=STAFF_ONLY,
            delete=expect(403, staff=204),
        ),
        target="market",
        body=lambda world: MARKET,
        read_only="updated_at",
    ),
    Endpoint(
        "prop-market-compare",
        "/api/v1/prop-markets/compare/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200)),
        query="?league=NFL&week=5",
    ),
    Endpoint(
        "prop-market-movers",
        "/api/v1/prop-markets/movers/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200)),
        query="?league=NFL&week=5",
    ),
    Endpoint(
        "prop-market-history",
        "/api/v1/prop-markets/{id}/history/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200)),
        target="market",
    ),
    Endpoint(
        "prop-market-edges",
        "/api/v1/prop-markets/edges/",
        every_method(STAFF_ONLY_NOT_ALLOWED, get=expect(200)),
        query="?league=NFL&week=5",
    ),
]


@pytest.fixture
def world(db):
    owner = UserFactory()
    snapshot = SnapshotFactory()
    return SimpleNamespace(
        owner=owner,
        other=UserFactory(),
        # No password: hashing one would dominate the matrix's run time.
        staff=UserFactory(is_staff=True, clerk_user_id=None),
        snapshot=snapshot,
        older_snapshot=SnapshotFactory(),
        market=PropMarketFactory(),
        snapshot_market=PropMarketFactory(snapshot=snapshot),
        experiment=ExperimentFactory(user=owner, snapshot=snapshot),
        slip=SavedSlipFactory(user=owner, snapshot=snapshot),
    )


def url_of(endpoint, world):
    target = getattr(world, endpoint.target) if endpoint.target else None
    path = endpoint.path.format(
        id=target.pk if target else "", snapshot_id=world.snapshot.snapshot_id
    )
    return path + endpoint.query.format(against=world.older_snapshot.snapshot_id)


CASES = [
    pytest.param(endpoint, method, actor, id=f"{endpoint.name}-{method}-{actor}")
    for endpoint in ENDPOINTS
    for method in METHODS
    for actor in ACTORS
]


@pytest.mark.parametrize("endpoint, method, actor", CASES)
def test_permission_matrix(client_for, world, endpoint, method, actor):
    client = client_for(None if actor == "anonymous" else getattr(world, actor))
    body = endpoint.body(world) if endpoint.body and method in ("post", "put", "patch") else None

    response = getattr(client, method)(url_of(endpoint, world), body, format="json")

    expected = endpoint.methods[method][actor]
    assert response.status_code == expected, response.content[:500]


READ_ONLY_VALUES = {
    "credits": "1000000.00",
    "user": "00000000-0000-0000-0000-000000000001",
    "created_at": "2020-01-01T00:00:00Z",
    "is_placed": True,
    "placed_at": "2020-01-01T00:00:00Z",
    "is_locked": True,
    "locked_at": "2020-01-01T00:00:00Z",
    "updated_at": "2020-01-01T00:00:00Z",
}
WRITES = ("post", "put", "patch")
FIELD_CASES = [
    pytest.param(endpoint, method, actor, kind, id=f"{endpoint.name}-{method}-{actor}-{kind}")
    for endpoint in ENDPOINTS
    if endpoint.body is not None
    for method in WRITES
    for actor in ACTORS
    for kind in (("unknown", "read-only") if endpoint.read_only else ("unknown",))
]


@pytest.mark.parametrize("endpoint, method, actor, kind", FIELD_CASES)
def test_unknown_and_read_only_fields_are_refused(client_for, world, endpoint, method, actor, kind):
    client = client_for(None if actor == "anonymous" else getattr(world, actor))
    name = "bogus" if kind == "unknown" else endpoint.read_only
    body = {**endpoint.body(world), name: READ_ONLY_VALUES.get(name, 1)}

    response = getattr(client, method)(url_of(endpoint, world), body, format="json")

    plain = endpoint.methods[method][actor]
    if 200 <= plain < 300:
        assert response.status_code == 400, response.content[:500]
        message = "Unknown field." if kind == "unknown" else "This field is read-only."
        assert response.json() == {name: [message]}
    else:
        assert response.status_code == plain, response.content[:500]


def test_every_write_endpoint_names_a_read_only_field():
    takes_fields = [e for e in ENDPOINTS if e.body not in (None, no_body)]
    assert [e.name for e in takes_fields if e.read_only is None] == []


@pytest.mark.parametrize("path", ["/api/v1/experiments/", "/api/v1/saved-slips/"])
@pytest.mark.parametrize(
    "actor, sees_the_owners", [("owner", True), ("other", False), ("staff", True)]
)
def test_lists_never_include_other_users_objects(client_for, world, path, actor, sees_the_owners):
    rows = client_for(getattr(world, actor)).get(path).json()["results"]

    owners = {row["user"] for row in rows}
    assert (str(world.owner.pk) in owners) is sees_the_owners
    if actor == "other":
        assert rows == []


def test_stats_count_only_the_users_own_experiments(client_for, world):
    assert (
        client_for(world.other).get("/api/v1/experiments/stats/").json()["total_experiments"] == 0
    )
    assert (
        client_for(world.owner).get("/api/v1/experiments/stats/").json()["total_experiments"] == 1
    )


def test_matrix_covers_every_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    listed = {endpoint.path for endpoint in ENDPOINTS}
    served = set(schema["paths"]) | {"/api/v1/", "/api/v1/schema/", "/api/v1/docs/"}

    assert served - listed == set(), "endpoints missing from the matrix"
    assert listed - served == set(), "endpoints in the matrix the API no longer serves"

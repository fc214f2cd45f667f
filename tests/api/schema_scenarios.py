"""Requests that exercise every operation of the API, for tests/api/test_schema.py: one
scenario per (operation, status) worth checking against the schema, written as data."""

import uuid
from dataclasses import dataclass

import jwt

from .tokens import bearer, supabase_claims

API = "/api/v1"
LEGS = [{"player": "Patrick Mahomes", "stat": "passing_yards", "line": 275.5, "odds": -110}]
EXPERIMENT = {"week": 5, "league": "NFL", "risk_mode": "balanced", "bankroll": 500.0}
MARKET = {
    "week": 5,
    "league": "NFL",
    "player_name": "Schema Player",
    "market_type": "passing_yards",
    "line": 250.5,
    "american_odds": 150,
    "platform": "prizepicks",
}


@dataclass(frozen=True)
class Scenario:
    actor: str
    method: str
    template: str  # the schema's path template this scenario exercises
    path: object  # world -> path with query string
    status: int
    body: object = None  # world -> JSON body
    prepare: object = None  # (world, client, settings) -> extra request headers


def fixed(path):
    return lambda world: path


def with_etag(world, client, settings):
    etag = client.get(f"{API}/prop-markets/?league=NFL")["ETag"]
    return {"HTTP_IF_NONE_MATCH": etag}


def bearer_with_a_taken_email(world, client, settings):
    settings.SUPABASE_JWT_SECRET = "schema-test-secret-of-at-least-32-characters"
    claims = supabase_claims(email=world.owner.email)
    return bearer(jwt.encode(claims, settings.SUPABASE_JWT_SECRET, algorithm="HS256"))


def slip_cap_of_one(world, client, settings):
    settings.FREE_TIER_MAX_SAVED_SLIPS = 1
    return {}


def throttled(world, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1/min",
            "free": "1/min",
            "pro": "1/min",
            "enterprise": "1/min",
        },
    }
    client.get(f"{API}/users/me/")
    return {}


def experiment_path(world, suffix=""):
    return f"{API}/experiments/{world.experiment.pk}/{suffix}"


def slip_path(world, suffix=""):
    return f"{API}/saved-slips/{world.slip.pk}/{suffix}"


def snapshot_path(world, suffix="", snapshot=None):
    return f"{API}/snapshots/{(snapshot or world.snapshot).snapshot_id}/{suffix}"


def market_path(world, market=None):
    return f"{API}/prop-markets/{(market or world.market).pk}/"


ME = f"{API}/users/me/"
MY_CREDITS = f"{API}/users/me/credits/"
USER_CREDITS = f"{API}/users/{{id}}/credits/"
GRANT = {"amount": "10.00", "kind": "grant", "reason": "schema"}


def user_credits_path(world):
    return f"{API}/users/{world.owner.pk}/credits/"


def a_used_idempotency_key(world, client, settings):
    headers = {"HTTP_IDEMPOTENCY_KEY": "schema-key"}
    client.post(user_credits_path(world), GRANT, format="json", **headers)
    return headers


EXPERIMENT_ID = f"{API}/experiments/{{id}}/"
SLIP_ID = f"{API}/saved-slips/{{id}}/"
SNAPSHOT_ID = f"{API}/snapshots/{{snapshot_id}}/"
MARKET_ID = f"{API}/prop-markets/{{id}}/"

SCENARIOS = {
    # users
    "me": Scenario("owner", "get", ME, fixed(ME), 200),
    "me-anonymous": Scenario("anonymous", "get", ME, fixed(ME), 401),
    "me-first-sign-in-with-a-taken-email": Scenario(
        "anonymous", "get", ME, fixed(ME), 409, prepare=bearer_with_a_taken_email
    ),
    "me-throttled": Scenario("owner", "get", ME, fixed(ME), 429, prepare=throttled),
    "me-patch": Scenario("owner", "patch", ME, fixed(ME), 200, lambda w: {"full_name": "New"}),
    "me-patch-read-only": Scenario(
        "owner", "patch", ME, fixed(ME), 400, lambda w: {"credits": "99.00"}
    ),
    "me-credits": Scenario("owner", "get", MY_CREDITS, fixed(MY_CREDITS), 200),
    "me-credits-no-such-page": Scenario(
        "owner", "get", MY_CREDITS, fixed(f"{MY_CREDITS}?page=9"), 404
    ),
    "user-credits-grant": Scenario(
        "staff", "post", USER_CREDITS, user_credits_path, 201, lambda w: GRANT
    ),
    "user-credits-invalid": Scenario(
        "staff",
        "post",
        USER_CREDITS,
        user_credits_path,
        400,
        lambda w: {"amount": "-5", "kind": "adjustment"},
    ),
    "user-credits-overdrawn": Scenario(
        "staff",
        "post",
        USER_CREDITS,
        user_credits_path,
        400,
        lambda w: {"amount": "-5", "kind": "adjustment", "reason": "more than the balance"},
    ),
    "user-credits-key-reused": Scenario(
        "staff",
        "post",
        USER_CREDITS,
        user_credits_path,
        409,
        lambda w: {**GRANT, "amount": "99.00"},
        prepare=a_used_idempotency_key,
    ),
    "user-credits-not-staff": Scenario(
        "owner", "post", USER_CREDITS, user_credits_path, 403, lambda w: GRANT
    ),
    "users": Scenario("staff", "get", f"{API}/users/", fixed(f"{API}/users/"), 200),
    "users-not-staff": Scenario("owner", "get", f"{API}/users/", fixed(f"{API}/users/"), 403),
    "import-runs": Scenario(
        "staff", "get", f"{API}/import-runs/", fixed(f"{API}/import-runs/?status=failed"), 200
    ),
    "import-runs-bad-filter": Scenario(
        "staff", "get", f"{API}/import-runs/", fixed(f"{API}/import-runs/?status=nope"), 400
    ),
    "import-runs-not-staff": Scenario(
        "owner", "get", f"{API}/import-runs/", fixed(f"{API}/import-runs/"), 403
    ),
    "user": Scenario(
        "staff", "get", f"{API}/users/{{id}}/", lambda w: f"{API}/users/{w.owner.pk}/", 200
    ),
    "user-missing": Scenario(
        "staff", "get", f"{API}/users/{{id}}/", lambda w: f"{API}/users/{uuid.uuid4()}/", 404
    ),
    # experiments
    "experiments": Scenario(
        "owner",
        "get",
        f"{API}/experiments/",
        fixed(f"{API}/experiments/?ordering=-metric:roi"),
        200,
    ),
    "experiments-bad-filter": Scenario(
        "owner", "get", f"{API}/experiments/", fixed(f"{API}/experiments/?metric_gt=1"), 400
    ),
    "experiments-no-such-page": Scenario(
        "owner", "get", f"{API}/experiments/", fixed(f"{API}/experiments/?page=9"), 404
    ),
    "experiment-create": Scenario(
        "owner",
        "post",
        f"{API}/experiments/",
        fixed(f"{API}/experiments/"),
        201,
        lambda w: {**EXPERIMENT, "snapshot": w.snapshot.snapshot_id},
    ),
    "experiment-create-invalid": Scenario(
        "owner",
        "post",
        f"{API}/experiments/",
        fixed(f"{API}/experiments/"),
        400,
        lambda w: {**EXPERIMENT, "bankroll": 0, "metrics": [1]},
    ),
    "experiment": Scenario("owner", "get", EXPERIMENT_ID, experiment_path, 200),
    "experiment-of-another-user": Scenario("other", "get", EXPERIMENT_ID, experiment_path, 404),
    "experiment-put": Scenario(
        "owner", "put", EXPERIMENT_ID, experiment_path, 200, lambda w: EXPERIMENT
    ),
    "experiment-patch": Scenario(
        "owner", "patch", EXPERIMENT_ID, experiment_path, 200, lambda w: {"status": "running"}
    ),
    "experiment-bad-transition": Scenario(
        "owner", "patch", EXPERIMENT_ID, experiment_path, 400, lambda w: {"status": "completed"}
    ),
    "experiment-delete": Scenario("owner", "delete", EXPERIMENT_ID, experiment_path, 204),
    "experiment-stats": Scenario(
        "owner", "get", f"{API}/experiments/stats/", fixed(f"{API}/experiments/stats/"), 200
    ),
    "experiment-stats-bad-filter": Scenario(
        "owner",
        "get",
        f"{API}/experiments/stats/",
        fixed(f"{API}/experiments/stats/?league=XFL"),
        400,
    ),
    # saved slips
    "slips": Scenario("owner", "get", f"{API}/saved-slips/", fixed(f"{API}/saved-slips/"), 200),
    "slips-bad-filter": Scenario(
        "owner", "get", f"{API}/saved-slips/", fixed(f"{API}/saved-slips/?is_placed=maybe"), 400
    ),
    "slip-create": Scenario(
        "owner",
        "post",
        f"{API}/saved-slips/",
        fixed(f"{API}/saved-slips/"),
        201,
        lambda w: {"legs": LEGS, "correlations": [[1]], "tags": ["a"]},
    ),
    "slip-create-invalid": Scenario(
        "owner",
        "post",
        f"{API}/saved-slips/",
        fixed(f"{API}/saved-slips/"),
        400,
        lambda w: {"legs": [], "correlations": [[1, 2]]},
    ),
    "slip-create-over-the-cap": Scenario(
        "owner",
        "post",
        f"{API}/saved-slips/",
        fixed(f"{API}/saved-slips/"),
        403,
        lambda w: {"legs": LEGS},
        prepare=slip_cap_of_one,
    ),
    "slip": Scenario("owner", "get", SLIP_ID, slip_path, 200),
    "slip-of-another-user": Scenario("other", "get", SLIP_ID, slip_path, 404),
    "slip-put": Scenario(
        "owner", "put", SLIP_ID, slip_path, 200, lambda w: {"legs": LEGS, "correlations": None}
    ),
    "slip-patch": Scenario("owner", "patch", SLIP_ID, slip_path, 200, lambda w: {"name": "x"}),
    "slip-delete": Scenario("owner", "delete", SLIP_ID, slip_path, 204),
    "slip-place": Scenario(
        "owner", "post", f"{SLIP_ID}place/", lambda w: slip_path(w, "place/"), 200
    ),
    "slip-place-again": Scenario(
        "owner",
        "post",
        f"{SLIP_ID}place/",
        lambda w: slip_path(w, "place/"),
        409,
        prepare=lambda w, client, s: client.post(slip_path(w, "place/")) and {},
    ),
    # snapshots
    "snapshots": Scenario("owner", "get", f"{API}/snapshots/", fixed(f"{API}/snapshots/"), 200),
    "snapshot-capture": Scenario(
        "staff",
        "post",
        f"{API}/snapshots/",
        fixed(f"{API}/snapshots/"),
        201,
        lambda w: {"snapshot_id": "schema-capture", "league": "NFL", "week": 5, "season": 2024},
    ),
    "snapshot-capture-not-staff": Scenario(
        "owner",
        "post",
        f"{API}/snapshots/",
        fixed(f"{API}/snapshots/"),
        403,
        lambda w: {"snapshot_id": "schema-capture", "league": "NFL", "week": 5},
    ),
    "snapshot-capture-invalid": Scenario(
        "staff",
        "post",
        f"{API}/snapshots/",
        fixed(f"{API}/snapshots/"),
        400,
        lambda w: {"snapshot_id": "not a slug", "league": "XFL", "week": 99},
    ),
    "snapshot": Scenario("owner", "get", SNAPSHOT_ID, snapshot_path, 200),
    "snapshot-missing": Scenario(
        "owner", "get", SNAPSHOT_ID, fixed(f"{API}/snapshots/no-such-snapshot/"), 404
    ),
    "snapshot-put": Scenario(
        "staff",
        "put",
        SNAPSHOT_ID,
        snapshot_path,
        200,
        lambda w: {
            "snapshot_id": w.snapshot.snapshot_id,
            "league": "NFL",
            "week": 5,
            "season": 2024,
            "name": "renamed",
        },
    ),
    "snapshot-patch": Scenario(
        "staff", "patch", SNAPSHOT_ID, snapshot_path, 200, lambda w: {"name": "renamed"}
    ),
    "snapshot-patch-locked": Scenario(
        "staff",
        "patch",
        SNAPSHOT_ID,
        lambda w: snapshot_path(w, snapshot=w.locked),
        409,
        lambda w: {"name": "renamed"},
    ),
    "snapshot-delete": Scenario("staff", "delete", SNAPSHOT_ID, snapshot_path, 204),
    "snapshot-delete-locked": Scenario(
        "staff", "delete", SNAPSHOT_ID, lambda w: snapshot_path(w, snapshot=w.locked), 409
    ),
    "snapshot-lock": Scenario(
        "staff", "post", f"{SNAPSHOT_ID}lock/", lambda w: snapshot_path(w, "lock/"), 200
    ),
    "snapshot-unlock": Scenario(
        "staff",
        "post",
        f"{SNAPSHOT_ID}unlock/",
        lambda w: snapshot_path(w, "unlock/", snapshot=w.locked),
        200,
    ),
    "snapshot-diff": Scenario(
        "owner",
        "get",
        f"{SNAPSHOT_ID}diff/",
        lambda w: snapshot_path(w, f"diff/?against={w.locked.snapshot_id}"),
        200,
    ),
    "snapshot-diff-without-against": Scenario(
        "owner", "get", f"{SNAPSHOT_ID}diff/", lambda w: snapshot_path(w, "diff/"), 400
    ),
    # prop markets
    "markets": Scenario(
        "owner", "get", f"{API}/prop-markets/", fixed(f"{API}/prop-markets/?league=NFL"), 200
    ),
    "markets-not-modified": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/",
        fixed(f"{API}/prop-markets/?league=NFL"),
        304,
        prepare=with_etag,
    ),
    "markets-bad-filter": Scenario(
        "owner", "get", f"{API}/prop-markets/", fixed(f"{API}/prop-markets/?week=abc"), 400
    ),
    "market-create": Scenario(
        "staff",
        "post",
        f"{API}/prop-markets/",
        fixed(f"{API}/prop-markets/"),
        201,
        lambda w: MARKET,
    ),
    "market-create-invalid": Scenario(
        "staff",
        "post",
        f"{API}/prop-markets/",
        fixed(f"{API}/prop-markets/"),
        400,
        lambda w: {**MARKET, "line": -1},
    ),
    "market-create-in-locked-snapshot": Scenario(
        "staff",
        "post",
        f"{API}/prop-markets/",
        fixed(f"{API}/prop-markets/"),
        409,
        lambda w: {**MARKET, "snapshot": w.locked.snapshot_id},
    ),
    "market": Scenario("owner", "get", MARKET_ID, market_path, 200),
    "market-missing": Scenario(
        "owner", "get", MARKET_ID, lambda w: f"{API}/prop-markets/{uuid.uuid4()}/", 404
    ),
    "market-put": Scenario("staff", "put", MARKET_ID, market_path, 200, lambda w: MARKET),
    "market-patch": Scenario("staff", "patch", MARKET_ID, market_path, 200, lambda w: {"line": 9}),
    "market-patch-locked": Scenario(
        "staff",
        "patch",
        MARKET_ID,
        lambda w: market_path(w, w.locked_market),
        409,
        lambda w: {"line": 9},
    ),
    "market-delete": Scenario("staff", "delete", MARKET_ID, market_path, 204),
    "market-delete-not-staff": Scenario("owner", "delete", MARKET_ID, market_path, 403),
    "compare": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/compare/",
        fixed(f"{API}/prop-markets/compare/?league=NFL&week=5"),
        200,
    ),
    "compare-bad-filter": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/compare/",
        fixed(f"{API}/prop-markets/compare/?league=XFL"),
        400,
    ),
    "movers": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/movers/",
        fixed(f"{API}/prop-markets/movers/?league=NFL&week=5&by=odds"),
        200,
    ),
    "movers-bad-filter": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/movers/",
        fixed(f"{API}/prop-markets/movers/?since=yesterday"),
        400,
    ),
    "edges": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/edges/",
        fixed(f"{API}/prop-markets/edges/?league=NFL&week=5&min_books=1"),
        200,
    ),
    "edges-bad-filter": Scenario(
        "owner",
        "get",
        f"{API}/prop-markets/edges/",
        fixed(f"{API}/prop-markets/edges/?league=NFL&week=5&break_even=2"),
        400,
    ),
    "market-history": Scenario(
        "owner", "get", f"{MARKET_ID}history/", lambda w: market_path(w) + "history/", 200
    ),
    "market-history-bad-cursor": Scenario(
        "owner",
        "get",
        f"{MARKET_ID}history/",
        lambda w: market_path(w) + "history/?cursor=forged",
        400,
    ),
    "market-history-unknown": Scenario(
        "owner",
        "get",
        f"{MARKET_ID}history/",
        fixed(f"{API}/prop-markets/{uuid.UUID(int=1)}/history/"),
        404,
    ),
}

"""Clerk bearer tokens: RS256 verified with the PEM key or a JWKS URL, provisioning on first
sight. Every token here is really signed with a key the test generated."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from jwt.algorithms import RSAAlgorithm

from accounts.models import User
from accounts.services import provision_external_user
from tests.factories import UserFactory

from .tokens import (
    ME_URL,
    bearer,
    clerk_claims,
    generate_rsa_key,
    public_pem,
    sign_rs256,
    tampered,
    unsigned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def clerk_key():
    return generate_rsa_key()


@pytest.fixture
def clerk_pem(settings, clerk_key):
    settings.CLERK_JWT_KEY = public_pem(clerk_key)
    settings.CLERK_JWKS_URL = ""
    settings.CLERK_AUTHORIZED_PARTIES = []
    settings.JWT_LEEWAY_SECONDS = 30
    return clerk_key


def get_me(api_client, token):
    return api_client.get(ME_URL, **bearer(token))


def test_valid_token_provisions_the_user_with_the_email_of_its_claims(api_client, clerk_pem):
    claims = clerk_claims(email="new.fan@example.com", name="New Fan")

    response = get_me(api_client, sign_rs256(claims, clerk_pem))

    assert response.status_code == 200, response.content
    user = User.objects.get(clerk_user_id=claims["sub"])
    assert (user.email, user.full_name) == ("new.fan@example.com", "New Fan")
    assert response.json()["id"] == str(user.pk)
    assert not user.has_usable_password()


def test_known_subject_is_the_existing_user(api_client, clerk_pem):
    user = UserFactory(clerk_user_id="user_known")

    response = get_me(api_client, sign_rs256(clerk_claims(sub="user_known"), clerk_pem))

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert User.objects.count() == 1


def test_token_without_email_provisions_a_placeholder_address(api_client, clerk_pem):
    response = get_me(api_client, sign_rs256(clerk_claims(sub="user_noemail"), clerk_pem))

    assert response.status_code == 200
    assert response.json()["email"] == "user_noemail@clerk.users.invalid"


def test_new_subject_with_another_accounts_email_is_409_and_creates_nothing(api_client, clerk_pem):
    UserFactory(email="taken@example.com", clerk_user_id=None)
    token = sign_rs256(clerk_claims(email="TAKEN@example.com"), clerk_pem)

    response = get_me(api_client, token)

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    assert User.objects.count() == 1


def test_deactivated_user_is_401(api_client, clerk_pem):
    UserFactory(clerk_user_id="user_gone", is_active=False)

    response = get_me(api_client, sign_rs256(clerk_claims(sub="user_gone"), clerk_pem))

    assert response.status_code == 401


@pytest.mark.parametrize(
    "bad_claims",
    [
        pytest.param(lambda now: {"exp": now - 120}, id="expired"),
        pytest.param(lambda now: {"nbf": now + 120}, id="not-yet-valid"),
        pytest.param(lambda now: {"iat": now + 120}, id="issued-in-the-future"),
        pytest.param(lambda now: {"exp": None}, id="no-exp"),
        pytest.param(lambda now: {"iat": None}, id="no-iat"),
        pytest.param(lambda now: {"sub": None}, id="no-sub"),
        pytest.param(lambda now: {"sub": ""}, id="empty-sub"),
        pytest.param(lambda now: {"exp": "soon"}, id="exp-not-a-number"),
    ],
)
def test_token_with_bad_time_or_subject_claims_is_401(api_client, clerk_pem, bad_claims):
    claims = clerk_claims(**bad_claims(int(time.time())))

    response = get_me(api_client, sign_rs256(claims, clerk_pem))

    assert response.status_code == 401
    assert User.objects.count() == 0


def test_expiry_within_the_leeway_is_accepted(api_client, clerk_pem):
    token = sign_rs256(clerk_claims(exp=int(time.time()) - 10), clerk_pem)

    assert get_me(api_client, token).status_code == 200


def test_token_signed_with_another_key_is_401(api_client, clerk_pem):
    token = sign_rs256(clerk_claims(), generate_rsa_key())

    assert get_me(api_client, token).status_code == 401


def test_tampered_token_is_401(api_client, clerk_pem):
    UserFactory(clerk_user_id="user_victim", is_staff=True)
    token = tampered(sign_rs256(clerk_claims(), clerk_pem), sub="user_victim")

    assert get_me(api_client, token).status_code == 401


def test_unsigned_alg_none_token_is_401_even_on_a_public_endpoint(api_client, clerk_pem):
    token = unsigned(clerk_claims())

    assert get_me(api_client, token).status_code == 401
    assert api_client.get("/api/v1/schema/", **bearer(token)).status_code == 401


def test_hs256_token_keyed_with_the_public_key_is_401(api_client, clerk_pem, settings):
    # The algorithm-confusion attack: HMAC "signed" with the RSA public key as the secret.
    settings.SUPABASE_JWT_SECRET = "the-supabase-secret-is-something-else-entirely"

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    signing_input = (
        b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        + b"."
        + b64(json.dumps(clerk_claims(aud="authenticated")).encode())
    )
    signature = hmac.new(public_pem(clerk_pem).encode(), signing_input, hashlib.sha256).digest()
    token = (signing_input + b"." + b64(signature)).decode()

    assert get_me(api_client, token).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer not-a-jwt", "Bearer é"])
def test_malformed_bearer_header_is_401(api_client, clerk_pem, header):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_401_names_the_bearer_scheme(api_client, clerk_pem):
    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_authorized_party_is_checked_when_configured(api_client, clerk_pem, settings):
    settings.CLERK_AUTHORIZED_PARTIES = ["https://app.betterbros.example"]

    ours = sign_rs256(clerk_claims(azp="https://app.betterbros.example"), clerk_pem)
    theirs = sign_rs256(clerk_claims(azp="https://evil.example"), clerk_pem)
    missing = sign_rs256(clerk_claims(azp=None), clerk_pem)

    assert get_me(api_client, ours).status_code == 200
    assert get_me(api_client, theirs).status_code == 401
    assert get_me(api_client, missing).status_code == 401


def test_clerk_token_without_configured_key_is_401(api_client, settings, clerk_key):
    settings.CLERK_JWT_KEY = ""
    settings.CLERK_JWKS_URL = ""

    response = get_me(api_client, sign_rs256(clerk_claims(), clerk_key))

    assert response.status_code == 401
    assert "not configured" in response.json()["detail"]


# --- JWKS: keys fetched from CLERK_JWKS_URL and cached -------------------------------------


@pytest.fixture
def jwks_server(clerk_key):
    """A JWKS endpoint on 127.0.0.1 serving the public half of `clerk_key` as kid `key-1`."""
    jwk = RSAAlgorithm.to_jwk(clerk_key.public_key(), as_dict=True)
    body = json.dumps({"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}).encode()
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.hits = hits
    server.url = f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clerk_jwks(settings, jwks_server):
    settings.CLERK_JWT_KEY = ""
    settings.CLERK_JWKS_URL = jwks_server.url
    settings.CLERK_AUTHORIZED_PARTIES = []
    return jwks_server


def test_token_verified_against_the_jwks_url_and_keys_are_cached(api_client, clerk_key, clerk_jwks):
    first = sign_rs256(clerk_claims(sub="user_one"), clerk_key, kid="key-1")
    second = sign_rs256(clerk_claims(sub="user_two"), clerk_key, kid="key-1")

    assert get_me(api_client, first).status_code == 200
    assert get_me(api_client, second).status_code == 200
    assert len(clerk_jwks.hits) == 1


def test_token_with_a_kid_the_jwks_lacks_is_401(api_client, clerk_key, clerk_jwks):
    token = sign_rs256(clerk_claims(), clerk_key, kid="key-unknown")

    assert get_me(api_client, token).status_code == 401


def test_token_signed_by_another_key_with_a_known_kid_is_401(api_client, clerk_jwks):
    token = sign_rs256(clerk_claims(), generate_rsa_key(), kid="key-1")

    assert get_me(api_client, token).status_code == 401


def test_unreachable_jwks_url_is_503_not_500(api_client, clerk_key, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLERK_JWT_KEY = ""
    settings.CLERK_JWKS_URL = f"http://127.0.0.1:{port}/jwks.json"

    response = get_me(api_client, sign_rs256(clerk_claims(), clerk_key, kid="key-1"))

    assert response.status_code == 503
    assert "try again" in response.json()["detail"]


# --- Provisioning race -----------------------------------------------------------------------


def _wait_until_blocked_on_a_lock(thread, pid_holder):
    with connection.cursor() as cursor:
        for _ in range(2000):
            if not thread.is_alive():
                return False
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                [pid_holder.get("pid")],
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_of_one_subject_make_one_user():
    """The second request's insert waits on the first's uncommitted row, fails on the unique
    Clerk id once the first commits, and returns the first request's user."""
    result, pid_holder = {}, {}

    def second_request():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid_holder["pid"] = cursor.fetchone()[0]
            result["user"] = provision_external_user(
                provider="clerk", subject="user_race", email="race@example.com"
            )
        except Exception as exc:  # reported by the assertion below
            result["error"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        first = User.objects.create_user(email="race@example.com", clerk_user_id="user_race")
        thread = threading.Thread(target=second_request)
        thread.start()
        blocked = _wait_until_blocked_on_a_lock(thread, pid_holder)
    thread.join()

    assert blocked, result
    assert "error" not in result, result
    assert result["user"].pk == first.pk
    assert User.objects.filter(clerk_user_id="user_race").count() == 1

"""Supabase bearer tokens: HS256 with SUPABASE_JWT_SECRET, audience `authenticated`, `sub` the
user's supabase_user_id; the user is provisioned on first sight."""

import time
import uuid

import jwt
import pytest

from accounts.models import User
from tests.factories import UserFactory

from .tokens import ME_URL, bearer, supabase_claims, tampered, unsigned

pytestmark = pytest.mark.django_db

SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"


@pytest.fixture(autouse=True)
def supabase_secret(settings):
    settings.SUPABASE_JWT_SECRET = SECRET
    settings.JWT_LEEWAY_SECONDS = 30


def sign(claims, secret=SECRET):
    return jwt.encode(claims, secret, algorithm="HS256")


def get_me(api_client, token):
    return api_client.get(ME_URL, **bearer(token))


def test_valid_token_provisions_the_user(api_client):
    claims = supabase_claims(email="fan@example.com")

    response = get_me(api_client, sign(claims))

    assert response.status_code == 200, response.content
    user = User.objects.get(supabase_user_id=claims["sub"])
    assert user.email == "fan@example.com"
    assert response.json()["supabase_user_id"] == claims["sub"]


def test_known_subject_is_the_existing_user(api_client):
    subject = uuid.uuid4()
    user = UserFactory(clerk_user_id=None, supabase_user_id=subject)

    response = get_me(api_client, sign(supabase_claims(sub=str(subject), email="other@x.com")))

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert User.objects.count() == 1


def test_anonymous_supabase_sign_in_without_email_gets_a_placeholder(api_client):
    claims = supabase_claims(email=None, is_anonymous=True)

    response = get_me(api_client, sign(claims))

    assert response.status_code == 200
    assert response.json()["email"] == f"{claims['sub']}@supabase.users.invalid"


def test_invalid_email_claim_gets_a_placeholder(api_client):
    claims = supabase_claims(email="not an email")

    response = get_me(api_client, sign(claims))

    assert response.status_code == 200
    assert response.json()["email"].endswith("@supabase.users.invalid")


@pytest.mark.parametrize(
    "bad_claims",
    [
        pytest.param(lambda now: {"aud": "anon"}, id="wrong-audience"),
        pytest.param(lambda now: {"aud": None}, id="no-audience"),
        pytest.param(lambda now: {"exp": now - 120}, id="expired"),
        pytest.param(lambda now: {"iat": now + 120}, id="issued-in-the-future"),
        pytest.param(lambda now: {"sub": "not-a-uuid"}, id="subject-not-a-uuid"),
        pytest.param(lambda now: {"sub": None}, id="no-subject"),
    ],
)
def test_token_with_bad_claims_is_401(api_client, bad_claims):
    claims = supabase_claims(**bad_claims(int(time.time())))

    response = get_me(api_client, sign(claims))

    assert response.status_code == 401
    assert User.objects.count() == 0


def test_token_signed_with_another_secret_is_401(api_client):
    token = sign(supabase_claims(), secret="another-secret-of-at-least-32-characters!!")

    assert get_me(api_client, token).status_code == 401


def test_tampered_token_is_401(api_client):
    victim = UserFactory(clerk_user_id=None, supabase_user_id=uuid.uuid4())
    token = tampered(sign(supabase_claims()), sub=str(victim.supabase_user_id))

    assert get_me(api_client, token).status_code == 401


def test_unsigned_alg_none_token_is_401(api_client):
    assert get_me(api_client, unsigned(supabase_claims())).status_code == 401


def test_supabase_token_without_configured_secret_is_401(api_client, settings):
    settings.SUPABASE_JWT_SECRET = ""

    response = get_me(api_client, sign(supabase_claims()))

    assert response.status_code == 401
    assert "not configured" in response.json()["detail"]

"""Real signed JWTs for the authentication tests: keys generated here, nothing mocked."""

import base64
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ME_URL = "/api/v1/users/me/"


def generate_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def clerk_claims(**overrides):
    now = int(time.time())
    claims = {
        "sub": f"user_{uuid.uuid4().hex[:24]}",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 60,
        "iss": "https://clerk.betterbros.example",
        "azp": "https://app.betterbros.example",
        "sid": "sess_123",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def supabase_claims(**overrides):
    now = int(time.time())
    claims = {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "iat": now,
        "exp": now + 3600,
        "email": "fan@example.com",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def sign_rs256(claims, private_key, kid=None):
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims, private_key, algorithm="RS256", headers=headers)


def unsigned(claims) -> str:
    """A token with `alg: none` and no signature."""
    return jwt.encode(claims, None, algorithm="none")


def tampered(token, **changes) -> str:
    """The token with claims changed and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    new_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{new_payload}.{signature}"


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

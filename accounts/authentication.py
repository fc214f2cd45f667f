"""`Authorization: Bearer <JWT>` from Clerk (RS256) and Supabase (HS256), as DRF authentication.

Each class verifies its provider's tokens and provisions the user on first sight
(`accounts.services.provision_external_user`). Which class a token belongs to is read from its
header's `alg`; a token with any other algorithm (`none` included) is refused, so a bearer
token is either verified or the request fails with 401 — it never falls through to anonymous.
"""

import functools
import uuid

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions, status

from .choices import IdentityProvider
from .services import EmailAlreadyRegistered, provision_external_user
from .token_authentication import CachedUser, cached_fields, subject_cache_key

CLERK_ALGORITHM = "RS256"
SUPABASE_ALGORITHM = "HS256"
SUPABASE_AUDIENCE = "authenticated"
BEARER_ALGORITHMS = (CLERK_ALGORITHM, SUPABASE_ALGORITHM)
REQUIRED_CLAIMS = ["exp", "iat", "sub"]
JWKS_TIMEOUT_SECONDS = 5
JWKS_CACHE_SECONDS = 300


# Defined here rather than imported from betterbros.api: DRF imports authentication classes
# while rest_framework.views is still loading.
class AccountConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class SigningKeysUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Clerk's signing keys could not be fetched; try again shortly."
    default_code = "service_unavailable"


class BearerJWTAuthentication(authentication.BaseAuthentication):
    """Verifies bearer tokens signed with `algorithm`; subclasses give the key and the claims."""

    keyword = "Bearer"
    algorithm = None
    provider = None

    def authenticate(self, request):
        token = self.bearer_token(request)
        if token is None:
            return None
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise exceptions.AuthenticationFailed("The bearer token is not a JWT.") from None
        algorithm = header.get("alg")
        if algorithm not in BEARER_ALGORITHMS:
            raise exceptions.AuthenticationFailed(
                f"Tokens signed with {str(algorithm)[:20]!r} are not accepted: Clerk tokens are "
                "RS256, Supabase tokens HS256."
            )
        if algorithm != self.algorithm:
            return None
        try:
            claims = self.verify(token)
        except jwt.InvalidTokenError as exc:
            raise exceptions.AuthenticationFailed(f"The bearer token was refused: {exc}.") from None
        except (TypeError, ValueError):
            # A signed token with a claim of the wrong type (e.g. "exp": [1]).
            raise exceptions.AuthenticationFailed(
                "The bearer token has malformed claims."
            ) from None
        return self.user_for(claims), claims

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'

    def bearer_token(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid Authorization header: expected 'Bearer <token>'."
            )
        try:
            return parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The bearer token is not ASCII.") from None

    def verify(self, token) -> dict:
        raise NotImplementedError

    def subject(self, claims):
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject or len(subject) > 255 or "\x00" in subject:
            raise exceptions.AuthenticationFailed("The token's subject (sub) is not a user id.")
        return subject

    def user_for(self, claims):
        """The subject's user: from the cache like a DRF token's user (an active user's
        authorization fields, `accounts.token_authentication`), else provisioned."""
        subject = self.subject(claims)
        cache_key = subject_cache_key(self.provider, subject)
        fields = cache.get(cache_key)
        if fields is not None:
            return CachedUser(fields)
        try:
            user = provision_external_user(
                provider=self.provider,
                subject=subject,
                email=claims.get("email"),
                full_name=claims.get("name") or "",
            )
        except EmailAlreadyRegistered as exc:
            raise AccountConflict(str(exc)) from None
        if not user.is_active:
            raise exceptions.AuthenticationFailed("This account is deactivated.")
        cache.set(cache_key, cached_fields(user), timeout=settings.AUTH_TOKEN_CACHE_TTL)
        return user


@functools.lru_cache(maxsize=4)
def _clerk_public_key(pem):
    return load_pem_public_key(pem.encode())


@functools.lru_cache(maxsize=4)
def _clerk_jwks_client(url):
    # One client per URL for the process, so fetched keys are reused across requests.
    return jwt.PyJWKClient(
        url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS
    )


class ClerkJWTAuthentication(BearerJWTAuthentication):
    """Clerk session tokens: RS256, verified offline with CLERK_JWT_KEY (PEM) or with the keys
    of CLERK_JWKS_URL (fetched once and cached); `azp` must be one of CLERK_AUTHORIZED_PARTIES
    when that is set; `sub` is the user's `clerk_user_id`."""

    algorithm = CLERK_ALGORITHM
    provider = IdentityProvider.CLERK

    def verify(self, token):
        claims = jwt.decode(
            token,
            self.signing_key(token),
            algorithms=[CLERK_ALGORITHM],
            leeway=settings.JWT_LEEWAY_SECONDS,
            # Clerk session tokens carry no audience; azp plays its part.
            options={"require": REQUIRED_CLAIMS, "verify_aud": False},
        )
        parties = settings.CLERK_AUTHORIZED_PARTIES
        if parties and claims.get("azp") not in parties:
            raise exceptions.AuthenticationFailed(
                "The token's authorized party (azp) is not accepted."
            )
        return claims

    def signing_key(self, token):
        if settings.CLERK_JWT_KEY:
            return _clerk_public_key(settings.CLERK_JWT_KEY)
        if settings.CLERK_JWKS_URL:
            client = _clerk_jwks_client(settings.CLERK_JWKS_URL)
            try:
                return client.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientConnectionError:
                raise SigningKeysUnavailable() from None
            except jwt.PyJWKClientError as exc:
                raise exceptions.AuthenticationFailed(
                    f"No Clerk signing key verifies this token: {exc}."
                ) from None
        raise exceptions.AuthenticationFailed("Clerk sign-in is not configured on this server.")


class SupabaseJWTAuthentication(BearerJWTAuthentication):
    """Supabase access tokens: HS256 with SUPABASE_JWT_SECRET, audience `authenticated`;
    `sub` is the user's `supabase_user_id` (a UUID)."""

    algorithm = SUPABASE_ALGORITHM
    provider = IdentityProvider.SUPABASE

    def verify(self, token):
        if not settings.SUPABASE_JWT_SECRET:
            raise exceptions.AuthenticationFailed(
                "Supabase sign-in is not configured on this server."
            )
        return jwt.decode(
            token,
            settings.SUPABASE_JWT_SECRET,
            algorithms=[SUPABASE_ALGORITHM],
            audience=SUPABASE_AUDIENCE,
            leeway=settings.JWT_LEEWAY_SECONDS,
            options={"require": [*REQUIRED_CLAIMS, "aud"]},
        )

    def subject(self, claims):
        try:
            return uuid.UUID(str(super().subject(claims)))
        except ValueError:
            raise exceptions.AuthenticationFailed(
                "The token's subject (sub) is not a Supabase user id (UUID)."
            ) from None

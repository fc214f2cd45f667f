"""How the OpenAPI schema describes the bearer-token authentication classes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClerkJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ClerkJWTAuthentication"
    name = "clerkJWT"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Clerk session token (RS256): `Authorization: Bearer <token>`.",
        }


class SupabaseJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SupabaseJWTAuthentication"
    name = "supabaseJWT"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Supabase access token (HS256, audience `authenticated`): "
            "`Authorization: Bearer <token>`.",
        }

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI authentication extensions)
        from .token_authentication import connect_cache_invalidation

        # In every process: commands and the admin delete tokens and save users too.
        connect_cache_invalidation()

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class BetterbrosConfig(AppConfig):
    """The project package as an app: operator commands, and database connection set-up."""

    name = "betterbros"
    verbose_name = "BetterBros"

    def ready(self):
        from .pg_timestamps import use_c_timestamp_loader

        connection_created.connect(use_c_timestamp_loader, dispatch_uid="betterbros.pg_timestamps")

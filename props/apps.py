from django.apps import AppConfig


class PropsConfig(AppConfig):
    name = "props"
    verbose_name = "Props"
    default_auto_field = "django.db.models.BigAutoField"

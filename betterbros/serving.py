"""What must hold before the app serves requests."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Refuse to serve with DEBUG off and no SECRET_KEY (sessions, CSRF and signed cursors would
    fail on every request). Raises at start-up, so gunicorn and runserver do not come up."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises here when the key is empty
    except ImproperlyConfigured:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from None

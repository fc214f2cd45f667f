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


def require_collected_static_files():
    """With the manifest storage (the default with DEBUG off) every page that links a static
    file needs `collectstatic`'s manifest; refuse to start without it rather than answer 500 on
    each page."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"Static files are not collected (no {storage.manifest_name} in "
            f"{settings.STATIC_ROOT}): run `python manage.py collectstatic --no-input`."
        )

"""WSGI entry point (gunicorn betterbros.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from betterbros.startup_checks import require_collected_static_files, require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

application = get_wsgi_application()

require_secret_key()
require_collected_static_files()

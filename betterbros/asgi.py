"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from betterbros.startup_checks import require_collected_static_files, require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")

application = get_asgi_application()

require_secret_key()
require_collected_static_files()

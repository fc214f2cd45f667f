"""BetterBros Props settings: one module, every value read from the environment.

With no DATABASE_URL / REDIS_URL the app runs on a SQLite file and the local-memory cache,
which is what a new developer gets from the README's run command. Production sets both.
Every variable is listed, with its default, in `.env.example`.
"""

import copy
import os
import tempfile
import warnings
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class _SetVariables(Mapping):
    """The environment without its empty variables: `DATABASE_URL=` (as in a copy of
    `.env.example`) means unset, so the default applies instead of an empty value."""

    def __getitem__(self, name):
        value = os.environ[name]
        if not value.strip():
            raise KeyError(name)
        return value

    def __iter__(self):
        return (name for name, value in os.environ.items() if value.strip())

    def __len__(self):
        return sum(1 for _ in self)


env = environ.Env()
env.ENVIRON = _SetVariables()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
# With DEBUG off a real key is required: the WSGI/ASGI entry points (gunicorn, runserver) refuse
# to start without one (betterbros.startup_checks), and Django refuses anything that would sign
# with an empty key. Commands that sign nothing (migrate, makemigrations --check, dbinfo) still run.
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "betterbros",
    "accounts",
    "props",
]

MIDDLEWARE = [
    "betterbros.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a sign-in refused for too many failures into the lock-out page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "betterbros.urls"
WSGI_APPLICATION = "betterbros.wsgi.application"
ASGI_APPLICATION = "betterbros.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # django-environ's warning on an unknown scheme; see below
    DATABASES = {
        "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    }
if DATABASES["default"].get("ENGINE") not in {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}:
    # Not the URL itself: it may hold a password.
    raise ImproperlyConfigured(
        "DATABASE_URL must look like postgres://USER[:PASSWORD]@HOST:PORT/NAME or "
        f"sqlite:///PATH (its scheme is {urlsplit(env.str('DATABASE_URL')).scheme!r})."
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

IS_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRESQL:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    if env.bool("DATABASE_POOL", default=False):
        # psycopg's pool replaces persistent connections; Django refuses both at once.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        _db_options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
            "max_idle": env.float("DATABASE_POOL_MAX_IDLE", default=300.0),
            # How long the pool retries (with growing delays) to replace a lost connection before
            # giving up; the next request then connects at once. Kept below the pool timeout so
            # the first request after PostgreSQL returns waits for a connection instead of failing.
            "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=5.0),
        }

# A read replica (a streaming standby of the same database): reads go there, writes and reads in
# a transaction or after a write in the same request stay on default (betterbros/db_router.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_HEALTH_CHECKS": True,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "OPTIONS": copy.deepcopy(DATABASES["default"].get("OPTIONS", {})),
        # Tests see one database through both aliases, as a caught-up replica would show it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["betterbros.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL must look like redis://[:PASSWORD@]HOST:PORT/DB "
        f"(its scheme is {urlsplit(REDIS_URL).scheme!r})."
    )
CACHE_TTL = env.int("CACHE_TTL", default=300)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="betterbros"),
            "TIMEOUT": CACHE_TTL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
                # A Redis outage degrades to cache misses served from PostgreSQL, not errors.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # Ignored errors go to betterbros.redis_outage's logger, whose filter (LOGGING) reports an
    # outage once when it starts and once when it ends (not per call).
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "betterbros.redis_outage"
    # Sessions live in the database and are cached in Redis, so they survive a Redis outage.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "betterbros",
            "TIMEOUT": CACHE_TTL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background work (Celery) -----------------------------------------------------------------

# Redis is the broker and the result store. With no broker (no REDIS_URL), tasks run eagerly in
# the calling process, so `make run` needs no worker. The broker never shares the cache's Redis
# database: clearing the cache (FLUSHDB, which staff and the test suite do) would drop queued
# tasks. By default it is REDIS_URL's server with the database number CELERY_REDIS_DB.
CELERY_REDIS_DB = env.int("CELERY_REDIS_DB", default=15)


def _redis_url_with_db(url, db):
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()


def _redis_location(url):
    parts = urlsplit(url)
    return (parts.hostname, parts.port or 6379, parts.path.strip("/") or "0")


# An empty value (as in .env.example) means unset.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or (
    _redis_url_with_db(REDIS_URL, CELERY_REDIS_DB) if REDIS_URL else ""
)
if (
    REDIS_URL
    and CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    and _redis_location(CELERY_BROKER_URL) == _redis_location(REDIS_URL)
):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must not be REDIS_URL's database (clearing the cache would drop "
        "queued tasks): give it another database number, or set CELERY_REDIS_DB."
    )
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it ends, so a worker killed mid-task hands it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat asks every FEEDS_SCHEDULER_SECONDS which sources are due (each has its own interval). It
# writes its schedule file after every tick, which is what its health check watches.
CELERY_BEAT_SYNC_EVERY = 1
FEEDS_SCHEDULER_SECONDS = env.int("FEEDS_SCHEDULER_SECONDS", default=10)
CELERY_BEAT_SCHEDULE: dict = {
    "poll-due-feed-sources": {
        "task": "props.tasks.feeds.poll_due_sources",
        "schedule": FEEDS_SCHEDULER_SECONDS,
        "options": {"expires": FEEDS_SCHEDULER_SECONDS},
    },
}
# Feed polls (props/feeds/): HTTP timeouts, the largest body read, retries on timeouts and 5xx
# (exponential backoff from FEEDS_RETRY_BACKOFF seconds, with jitter), and the failed polls in a
# row after which a source is flagged and no longer polled until enabled again.
FEEDS_CONNECT_TIMEOUT = env.float("FEEDS_CONNECT_TIMEOUT", default=5.0)
FEEDS_READ_TIMEOUT = env.float("FEEDS_READ_TIMEOUT", default=30.0)
FEEDS_MAX_BODY_BYTES = env.int("FEEDS_MAX_BODY_BYTES", default=100 * 1024 * 1024)
# Feed URLs are typed in by staff and fetched by the workers: a connection to an address that
# is not public (loopback, private networks, link-local such as a cloud's metadata service at
# 169.254.169.254) is refused, redirects included. Allowed with DEBUG, for feeds served on this
# machine in development; in production only for a trusted feed host on a private network.
FEEDS_ALLOW_PRIVATE_ADDRESSES = env.bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
FEEDS_MAX_RETRIES = env.int("FEEDS_MAX_RETRIES", default=3)
FEEDS_RETRY_BACKOFF = env.float("FEEDS_RETRY_BACKOFF", default=2.0)
FEEDS_RETRY_BACKOFF_MAX = env.float("FEEDS_RETRY_BACKOFF_MAX", default=60.0)
FEEDS_MAX_CONSECUTIVE_FAILURES = env.int("FEEDS_MAX_CONSECUTIVE_FAILURES", default=5)

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CLERK_JWT_KEY = env.str("CLERK_JWT_KEY", default="").replace("\\n", "\n")
CLERK_JWKS_URL = env.str("CLERK_JWKS_URL", default="")
CLERK_AUTHORIZED_PARTIES = env.list("CLERK_AUTHORIZED_PARTIES", default=[])
SUPABASE_JWT_SECRET = env.str("SUPABASE_JWT_SECRET", default="")
JWT_LEEWAY_SECONDS = env.int("JWT_LEEWAY_SECONDS", default=30)
# Seconds a token's or JWT subject's user stays cached (accounts/token_authentication.py).
AUTH_TOKEN_CACHE_TTL = env.int("AUTH_TOKEN_CACHE_TTL", default=60)

# Admin sign-in brute-force protection (django-axes, accounts/login_lockout.py): failures are
# counted in PostgreSQL per (account, client address) and per client address (NUM_PROXIES'
# rule, as the API's); AXES_FAILURE_LIMIT of either locks it for AXES_COOLOFF_MINUTES (0: until
# staff delete its access attempts in the admin). A successful sign-in resets the count. Not per
# account alone: then anyone who knows a staff email could lock that person out of the admin
# from anywhere, all day; an address guessing at many accounts is locked by the second rule.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_axes_cool_off_minutes = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cool_off_minutes) if _axes_cool_off_minutes else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the admin login form's field (the email)
AXES_USERNAME_CALLABLE = "accounts.login_lockout.account_name"
AXES_CLIENT_IP_CALLABLE = "accounts.login_lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_lockout.lockout_response"
AXES_VERBOSE = False  # no start-up line in every management command's output

# --- Product rules ----------------------------------------------------------------------------

FREE_TIER_MAX_SAVED_SLIPS = env.int("FREE_TIER_MAX_SAVED_SLIPS", default=20)

# The largest admin list page (500 rows, betterbros.admin_paging.PAGE_SIZES) posts up to five
# fields a row (id, line, odds, active, the action checkbox) with an action or an inline save:
# Django's default of 1,000 fields answered such a post with "Bad Request (400)".
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5_000

# --- Admin imports ----------------------------------------------------------------------------

# Uploads wait here between the admin's preview and confirmation (shared by every web process).
ADMIN_IMPORT_DIR = Path(
    env.str("ADMIN_IMPORT_DIR", default="")
    or Path(tempfile.gettempdir()) / "betterbros-admin-imports"
)
# Seconds a preview stays confirmable; older uploads are removed.
ADMIN_IMPORT_MAX_AGE = env.int("ADMIN_IMPORT_MAX_AGE", default=3600)
# Largest file the admin accepts (bigger boards go through `manage.py import_props`).
ADMIN_IMPORT_MAX_MB = env.int("ADMIN_IMPORT_MAX_MB", default=100)
# Files up to this size are previewed (a dry run) inside the upload request, about 10,000 rows
# and a second or two; a bigger file goes straight to the confirmation without a preview (the
# import runs in a worker, all or nothing, and its page lists any refused rows).
ADMIN_IMPORT_PREVIEW_MAX_MB = env.float("ADMIN_IMPORT_PREVIEW_MAX_MB", default=2)

# --- Background jobs (props/jobs/, docs/background-jobs.md) ----------------------------------

# Uploads waiting for their import job and finished exports; web and worker processes must
# share this directory.
JOB_FILES_ROOT = Path(env.str("JOB_FILES_ROOT", default="") or BASE_DIR / "var" / "jobs")
# Seconds an export file stays downloadable; the periodic task below then removes it.
JOB_FILE_MAX_AGE = env.int("JOB_FILE_MAX_AGE", default=24 * 60 * 60)
JOB_FILES_CLEANUP_SECONDS = env.int("JOB_FILES_CLEANUP_SECONDS", default=15 * 60)
# Deleting snapshots holding more prop markets than this is queued instead of done at once.
JOB_DELETE_SNAPSHOT_THRESHOLD = env.int("JOB_DELETE_SNAPSHOT_THRESHOLD", default=10_000)
# Deliveries of a job's task (a worker killed mid-job has it delivered again) before it fails.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["remove-expired-job-files"] = {
    "task": "props.jobs.remove_expired_files",
    "schedule": JOB_FILES_CLEANUP_SECONDS,
    "options": {"expires": JOB_FILES_CLEANUP_SECONDS},
}

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# --- REST framework ---------------------------------------------------------------------------

API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=200)
# The board list's fast path (docs/DESIGN-NOTES.md): its SQL compiled once per shape, timestamps
# read by psycopg's C loader, rows read for orjson. Off, the list takes the FilterSet and the ORM.
BOARD_FAST_PATH = env.bool("BOARD_FAST_PATH", default=True)
# Largest request body the API reads (beyond it a 413), and largest value of a JSON column as
# JSON text (beyond it a 400 naming the field, in the API, the admin and the importers alike).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
JSON_FIELD_MAX_BYTES = env.int("JSON_FIELD_MAX_BYTES", default=64 * 1024)
THROTTLE_RATE_ANON = env.str("THROTTLE_RATE_ANON", default="60/min")
THROTTLE_RATE_FREE = env.str("THROTTLE_RATE_FREE", default="120/min")
THROTTLE_RATE_PRO = env.str("THROTTLE_RATE_PRO", default="600/min")
THROTTLE_RATE_ENTERPRISE = env.str("THROTTLE_RATE_ENTERPRISE", default="3000/min")
# Proxies in front of the app that append to X-Forwarded-For. 0: the socket's address is the
# client (the header, which any client can forge, is ignored); N: the Nth entry from the right.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ClerkJWTAuthentication",
        "accounts.authentication.SupabaseJWTAuthentication",
        "accounts.token_authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["betterbros.api.filters.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "betterbros.api.parsers.BoundedJSONParser",
        "betterbros.api.parsers.BoundedFormParser",
        "betterbros.api.parsers.BoundedMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "betterbros.api.pagination.StandardPagination",
    "DEFAULT_THROTTLE_CLASSES": ["betterbros.api.throttling.TierRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": THROTTLE_RATE_ANON,
        "free": THROTTLE_RATE_FREE,
        "pro": THROTTLE_RATE_PRO,
        "enterprise": THROTTLE_RATE_ENTERPRISE,
    },
    "DEFAULT_SCHEMA_CLASS": "betterbros.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "betterbros.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The anonymous rate's client address (rest_framework.throttling.BaseThrottle.get_ident).
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BetterBros Props API",
    "DESCRIPTION": "Prop markets, snapshots, experiments and saved slips.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served by the app (static files), not loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (values for production come from the environment) -------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Probes call the health checks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]

# --- Operations ------------------------------------------------------------------------------

# Seconds /health/ready/ and check_connections wait for each dependency.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)

# --- Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "filters": {"once_per_outage": {"()": "betterbros.redis_outage.OncePerOutage"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_JSON else "plain"}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "betterbros.redis_outage": {"filters": ["once_per_outage"]},
    },
}

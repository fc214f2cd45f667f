# BetterBros Props: the Django app under gunicorn, static files served by whitenoise.
#   docker build -t betterbros-props .
#   docker compose up        (PostgreSQL, Redis and this image; see docker-compose.yml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_READ_DOT_ENV_FILE=false

WORKDIR /app

# psycopg[binary] and the other wheels need no compiler; only the runtime requirements go in.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN groupadd --system app && useradd --system --gid app --home-dir /app --no-create-home app

# The code stays root's: the app user can read it, not change it.
COPY . .

# Collected at build time (with a throwaway key: nothing secret is baked in) so that whitenoise
# serves the compressed, hashed files the manifest names.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input

# Job files (admin uploads, exports): a volume shared by web and worker mounts here.
RUN mkdir -p /app/var/jobs && chown app:app /app/var/jobs

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8000/health/live/', timeout=4).status != 200)"]

# Workers, threads, timeouts and the access log come from the environment (gunicorn.conf.py).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "betterbros.wsgi"]

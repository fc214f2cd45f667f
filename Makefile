# The README's commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python

# The test suite's PostgreSQL and Redis (override to use others).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/betterbros
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# Locally the test database is kept between runs (new migrations are still applied); CI and
# `make test PYTEST_DB=--create-db` build it afresh (needed after editing an applied migration).
PYTEST_DB ?= --reuse-db
# pytest-xdist workers (each with its own test database and Redis database); 0 runs in-process.
PYTEST_WORKERS ?= 2

.PHONY: run test test-pure services browser compose lint typecheck format migrations-check clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

## Install, migrate a SQLite database, load demo data and serve on http://127.0.0.1:8000
run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

## Install everything and run the whole test suite on real PostgreSQL and Redis
test: $(VENV)/.installed-dev services browser compose
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SECRET_KEY=test-only-secret-key \
		$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_DB) $(PYTEST_ARGS)

## The tests that need neither PostgreSQL nor Redis (parsers, validators, settings), in seconds
test-pure: $(VENV)/.installed-dev
	env -u DATABASE_URL -u REDIS_URL DJANGO_READ_DOT_ENV_FILE=false SECRET_KEY=test-only-secret-key \
		$(PY) -m pytest --no-services -m "not slow" $(PYTEST_ARGS)

services:
	scripts/ensure-services.sh

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Debian's docker-compose checks docker-compose.yml in the tests (skipped where it cannot install).
compose:
	@command -v docker-compose >/dev/null || (apt-get update -qq && apt-get install -y -qq docker-compose) || true

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed-dev
	DEBUG=true $(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(VENV)/.installed-dev
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts

# Dasan: `make run` for a first look, `make test` for the suite. Both start with `make install`.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: install run test test-fast lint typecheck migrate demo messages e2e-deps backup restore clean

$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

## install: the virtualenv with the locked dependencies (idempotent)
install: $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	@mkdir -p var

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## run: install, migrate, demo data, then web + Celery workers (urgent, bulk) + beat (embedded: SQLite + filesystem broker)
run: demo
	@echo ""
	@echo "  Dasan is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, the urgent and bulk workers and beat)"
	@echo ""
	DEBUG=1 SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

## test: the whole suite (browser journeys run where Chromium is installed, and say why when skipped)
test: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools >/dev/null 2>&1 || true
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not e2e" -x -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

## typecheck: mypy with the Django and DRF plugins (strict on services and selectors; see pyproject.toml)
typecheck: install
	$(VENV)/bin/mypy

## messages: refresh the .po files from the code, fill Korean from locale/ko/*.json, compile (needs gettext)
messages: install
	$(PY) manage.py makemessages -l ko -l en --no-obsolete --ignore=.venv --ignore=.tools --ignore=var --ignore=bench --ignore=tests
	for f in locale/ko/*.json; do $(PY) locale/fill.py ko $$f; done
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools

## e2e-deps: Debian's Chromium and Korean fonts for the browser tests (CI does this)
e2e-deps:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

## backup: one file under var/backups/ (pg_dump on PostgreSQL, SQLite online backup otherwise)
backup: install
	$(PY) manage.py backup_db

## restore: make restore FILE=var/backups/x.dump TARGET=postgres://…/empty_db
restore: install
	$(PY) manage.py restore_db "$(FILE)" --database-url "$(TARGET)"

clean:
	rm -rf var/celery var/test-media .pytest_cache

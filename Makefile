# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a step they depend on, or a helper for developers.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# XStatic-Bootstrap ships only an sdist whose setup.py still imports pkg_resources.
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check --build-constraint build-constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate seed serve-prod collectstatic screenshots clean
.PHONY: bench-install bench-dashboard bench-clinic bench-reminders loadtest faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"

$(VENV)/.installed: $(BIN)/python requirements.txt build-constraints.txt
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements-bench.txt
	$(PIP_INSTALL) -r requirements-bench.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: install, migrate SQLite, load demo data and serve on http://127.0.0.1:8000
run: seed
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: install the test requirements and run the whole suite
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make serve-prod: gunicorn + Celery worker + beat with production settings, PostgreSQL and Redis
serve-prod: $(VENV)/.installed
	mkdir -p var
	bin/serve-prod

## make collectstatic: hashed, compressed static files under staticfiles/, as production serves them
collectstatic: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=localhost \
	  DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py collectstatic --noinput -v 0

## make screenshots: the README's two screenshots, from the demo data, with Debian's Chromium
screenshots: seed $(VENV)/.installed-dev
	$(BIN)/python bin/screenshots.py

# Benchmarks (docs/performance.md). Each takes BENCH_DATABASE_URL and BENCH_REDIS_URL to use a
# database of your own (defaults in docs/configuration.md) and BENCH_ARGS for the script.
bench-install: $(VENV)/.installed-bench

## make bench-dashboard: the patient dashboard with three years of history (SQLite, or BENCH_DATABASE_URL)
bench-dashboard: $(VENV)/.installed collectstatic
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)

## make bench-clinic: the clinic dashboard on 10,000 patients x 365 days (PostgreSQL)
bench-clinic: $(VENV)/.installed collectstatic
	$(BIN)/python bench/clinic_dashboard.py $(BENCH_ARGS)

## make bench-reminders: weekly reminders through a Celery worker and Redis to an SMTP sink (PostgreSQL, Redis)
bench-reminders: $(VENV)/.installed-dev
	$(BIN)/python bench/reminders.py $(BENCH_ARGS)

## make loadtest: gunicorn under locust, production settings (PostgreSQL, Redis); restarts Redis unless --no-faults
loadtest: $(VENV)/.installed-bench
	$(BIN)/python bench/loadtest.py $(BENCH_ARGS)

## make faults: reminders and saves through worker kills, Redis, SMTP and database outages (PostgreSQL; starts its own Redis on port 6390)
faults: $(VENV)/.installed-dev collectstatic
	$(BIN)/python bench/faults.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles

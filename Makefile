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

.PHONY: run test lint format migrate seed serve-prod collectstatic screenshots insight-screenshots clean mutation messages compilemessages
.PHONY: bench-install bench-dashboard bench-summary bench-save bench-clinic bench-reminders bench-push loadtest faults

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

$(VENV)/.installed-mutation: $(VENV)/.installed-dev requirements-mutation.txt
	$(PIP_INSTALL) -r requirements-mutation.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: install, migrate SQLite, load demo data and serve on http://127.0.0.1:8000
run: seed
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: install the test requirements, check no model change lacks its migration, run the whole suite
# The migration check compares the models with the migration files only: an in-memory database
# keeps it from touching (or needing) the one in DATABASE_URL.
test: $(VENV)/.installed-dev
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make mutation: mutmut over the domain modules in [tool.mutmut] (pyproject.toml), then the score; see docs/testing.md
# Every mutant's pytest session starts from a copy of one database migrated here (tests/conftest.py),
# kept in memory (/dev/shm) where the machine has it.
MUTATION_DB := $(if $(wildcard /dev/shm),/dev/shm,$(CURDIR)/var)/wellness-mutation-template.sqlite3
mutation: $(VENV)/.installed-mutation
	rm -rf mutants $(MUTATION_DB)*
	mkdir -p var
	DATABASE_URL=sqlite:///$(MUTATION_DB) $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///$(MUTATION_DB) MUTATION_DB_TEMPLATE=$(MUTATION_DB) $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results --all true | $(BIN)/python bin/mutation-score
	rm -f $(MUTATION_DB)*  # with the copies of mutants whose session was stopped by mutmut's timeout

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

## make insight-screenshots: the pictures in docs/insight.md (a browser test run on purpose, not part of the suite)
insight-screenshots: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/browser/insight_screenshots.py -q

# Benchmarks (docs/performance.md). Each takes BENCH_DATABASE_URL and BENCH_REDIS_URL to use a
# database of your own (defaults in docs/configuration.md) and BENCH_ARGS for the script.
bench-install: $(VENV)/.installed-bench

## make bench-dashboard: the patient dashboard with three years of history (SQLite, or BENCH_DATABASE_URL)
bench-dashboard: $(VENV)/.installed collectstatic
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)

## make bench-summary: the appointment summary and patterns pages, three years of history (SQLite, or BENCH_DATABASE_URL)
bench-summary: $(VENV)/.installed collectstatic
	$(BIN)/python bench/summary.py $(BENCH_ARGS)

## make bench-save: a check-in save with the one-round-trip batch on and off, alternating (PostgreSQL)
bench-save: $(VENV)/.installed
	$(BIN)/python bench/save.py $(BENCH_ARGS)

## make bench-clinic: the clinic dashboard on 10,000 patients x 365 days (PostgreSQL)
bench-clinic: $(VENV)/.installed collectstatic
	$(BIN)/python bench/clinic_dashboard.py $(BENCH_ARGS)

## make bench-reminders: weekly (or --cadence daily) reminders through a Celery worker and Redis to an SMTP sink (PostgreSQL, Redis)
bench-reminders: $(VENV)/.installed-dev
	$(BIN)/python bench/reminders.py $(BENCH_ARGS)

## make bench-push: 20,000 Web Push reminders to a loopback push service that verifies and decrypts them (PostgreSQL)
bench-push: $(VENV)/.installed-dev
	$(BIN)/python bench/push.py $(BENCH_ARGS)

## make loadtest: gunicorn under locust, production settings (PostgreSQL, Redis); restarts Redis unless --no-faults
loadtest: $(VENV)/.installed-bench
	$(BIN)/python bench/loadtest.py $(BENCH_ARGS)

## make messages: gather the strings marked for translation into locale/*/LC_MESSAGES/django.po (needs GNU gettext)
# Then translate the new entries and run `make compilemessages`; docs/development.md ("Translations").
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --all --no-obsolete --add-location file \
	  --ignore=tests --ignore=bench --ignore=staticfiles --ignore=mutants --ignore=var

## make compilemessages: compile the catalogues to the .mo files the app reads, in pure Python (no gettext)
compilemessages: $(VENV)/.installed-dev
	$(BIN)/python manage.py compile_catalogues

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
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles mutants

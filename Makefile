# Sundhedskoordinator: `make run` serves the demo, `make test` runs every check. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
DATA_DIR ?= $(CURDIR)/var
export DATA_DIR

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
MO_STAMP := $(VENV)/.messages

# The first of python3, python3.14, python3.13, python3.12 that is 3.12 or newer. With pyenv, the
# repository's .python-version makes python3 resolve to 3.12.
PYTHON ?= $(shell for c in python3 python3.14 python3.13 python3.12; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$c; break; fi; done)

.PHONY: help install run serve test test-slow soak fuzz lint fmt messages demo bench bench-figures \
	mutate openapi clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@bash scripts/system-libs.sh
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is required and none was found (tried python3, python3.14, python3.13, python3.12)." >&2; \
		echo "Install it, e.g. 'apt-get install python3.12 python3.12-venv', or select it with pyenv." >&2; \
		exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || bash scripts/apt-install.sh npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(MO_STAMP): $(STAMP) $(wildcard sundhedskoordinator/locale/*/LC_MESSAGES/*.po)
	@command -v msgfmt >/dev/null 2>&1 || bash scripts/apt-install.sh gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=mutants -v0
	@touch $@

install: $(STAMP) $(NPM_STAMP) $(MO_STAMP) ## Create .venv and install Python and front-end packages

demo: install ## Migrate and load the demo world (keeps existing data)
	bash scripts/clamd.sh start
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo

run: demo ## Set up and serve the demo on http://127.0.0.1:$PORT with a task worker (SQLite in $DATA_DIR)
	@echo "Sundhedskoordinator: http://$(HOST):$(PORT)/  (demo users, password 'demo')"
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" SERVE_PYTHON=$(PY) HOST=$(HOST) PORT=$(PORT) \
		SERVE_TASK_INTERVAL=5 bash scripts/serve.sh dev

serve: install ## Production server (gunicorn) on $PORT with $WORKERS processes, no demo data
	SERVE_PYTHON=$(PY) PORT=$(PORT) WORKERS=$(WORKERS) bash scripts/serve.sh

test-slow: install ## The slow tests: 50 users doing the procedure against `make serve` for 2 minutes
	env -u DATABASE_URL DATA_DIR=$(CURDIR)/var/test-slow EXPECTED_DATABASE=sqlite \
		$(VENV)/bin/pytest -m slow -p no:cacheprovider $(PYTEST_ARGS)

SOAK_SECONDS ?= 600
soak: install ## The same load for SOAK_SECONDS (600); BENCH_DATABASE_URL for PostgreSQL; docs/reliability.md
	LOAD_SECONDS=$(SOAK_SECONDS) $(PY) bench/procedure.py

lint: install ## ruff lint and format check, mypy, the import layers (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

fmt: install ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install ## Update the translation catalogues from the source
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var

test: install ## Lint, then the whole suite on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v sigtool >/dev/null 2>&1 || missing="$$missing clamav-daemon clamav"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then bash scripts/apt-install.sh $$missing; fi
	$(MAKE) --no-print-directory lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	@# With TEST_DATABASE_URL the PostgreSQL run goes on beside the SQLite one (each in its own
	@# DATA_DIR, with its own malware scanner); its output follows the SQLite run's.
	@pg=0; if [ -n "$$TEST_DATABASE_URL" ]; then \
		mkdir -p $(CURDIR)/var; \
		DATA_DIR=$(CURDIR)/var/test-postgresql DATABASE_URL="$$TEST_DATABASE_URL" \
			EXPECTED_DATABASE=postgresql $(VENV)/bin/pytest $(PYTEST_ARGS) \
			> $(CURDIR)/var/test-postgresql.log 2>&1 & pg=$$!; fi; \
	env -u DATABASE_URL DATA_DIR=$(CURDIR)/var/test EXPECTED_DATABASE=sqlite \
		$(VENV)/bin/pytest $(PYTEST_ARGS); sqlite=$$?; \
	if [ "$$pg" != 0 ]; then \
		wait $$pg; postgresql=$$?; \
		echo "--- the same suite on PostgreSQL ---"; cat $(CURDIR)/var/test-postgresql.log; \
	else postgresql=0; echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped."; fi; \
	test $$sqlite -eq 0 -a $$postgresql -eq 0

FUZZ_EXAMPLES ?= 10

fuzz: install ## Fuzz the running server from its OpenAPI document, FUZZ_EXAMPLES (10) times longer than in test
	@command -v sigtool >/dev/null 2>&1 || bash scripts/apt-install.sh clamav-daemon clamav
	env -u DATABASE_URL DATA_DIR=$(CURDIR)/var/fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(VENV)/bin/pytest tests/test_api_fuzz.py -p no:cacheprovider -s $(PYTEST_ARGS)

bench: install ## Load benchmark of `make serve` (BENCH_REQUESTS, BENCH_CASES, BENCH_DATABASE_URL); docs/performance.md
	@missing=""; command -v sigtool >/dev/null 2>&1 || missing="clamav-daemon clamav"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then bash scripts/apt-install.sh $$missing; fi
	$(PY) bench/load.py

bench-figures: install ## Check a generated year's statistics and settlements against a recomputation, and time them
	@dir=$$(mktemp -d); export DATA_DIR=$$dir; bash scripts/clamd.sh start && \
	$(PY) bench/figures.py; rc=$$?; \
	bash scripts/clamd.sh stop; rm -rf $$dir; exit $$rc

# The functions that decide the rules (docs/dev/testing.md); MUTANTS='sundhedskoordinator.*'
# mutates all seven modules of [tool.mutmut] (several hours).
MUTANTS ?= $(addprefix sundhedskoordinator.,core.workingdays.* api.idempotency.* \
	documents.inspection.* $(addprefix access.policy.x_,$(addsuffix __*,holds_role roles_in_case \
	_case_filter on_case_roles manages_case_team)) $(addprefix cases.workflow.x_,$(addsuffix __*, \
	late_scheduling_has_reason allowed_role check_state available_actions run_guards)) \
	$(addprefix billing.services.x_,$(addsuffix __*,rate_on check_period period_has_ended)) \
	cases.services.scheduling.x__free_start__* cases.services.outcome.x_offer_is_on_hold__*)

mutate: install ## Mutation testing of the rule functions (slow, not in test); report in mutants/report.md
	@command -v sigtool >/dev/null 2>&1 || bash scripts/apt-install.sh clamav-daemon clamav
	rm -rf mutants
	@start=$$(date +%s); \
	env -u DATABASE_URL DATA_DIR=$(CURDIR)/var/mutate $(VENV)/bin/mutmut run --max-children $$(nproc) \
		$(foreach m,$(MUTANTS),'$(m)'); rc=$$?; \
	MUTATE_SECONDS=$$(( $$(date +%s) - start )) $(PY) scripts/mutation_report.py && exit $$rc

openapi: install ## Write the API's OpenAPI document to docs/dev/openapi.json (after a deliberate API change)
	DATA_DIR=$(CURDIR)/var/openapi $(PY) manage.py openapi > docs/dev/openapi.json

clean: ## Remove .venv, node_modules and local data
	rm -rf $(VENV) node_modules var

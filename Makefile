# One entry point for developers and CI. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := .local/tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
INFRA := bash deploy/local/infra.sh
# `make test SVC=offers` runs one service's tests.
TEST_PATHS := $(if $(SVC),services/$(SVC),)
PYTEST_ARGS ?=

.PHONY: help install fmt lint typecheck test-unit test up down status dev demo asyncapi

help:
	@echo "make dev        démarre toute la plateforme (serveurs + services + démo)"
	@echo "make demo       données et comptes de démonstration (plateforme démarrée)"
	@echo "make test       installe tout, démarre les serveurs, lint + types + tous les tests"
	@echo "make test-unit  tests rapides, sans serveur"
	@echo "make up|down|status   serveurs locaux: PostgreSQL, Kafka, OpenSearch"
	@echo "make lint|typecheck|fmt|asyncapi"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen
	bash deploy/local/browser.sh npm

fmt: install
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

typecheck: install
	$(UV) run mypy contracts kit services tests deploy conftest.py

asyncapi: install
	$(UV) run python -m contracts.asyncapi > contracts/asyncapi.json

test-unit: install
	$(UV) run pytest -m "not kafka and not postgres and not opensearch and not infra and not e2e" $(TEST_PATHS)

up:
	$(INFRA) up

down:
	$(INFRA) down

status:
	$(INFRA) status

# Under CI the servers are stopped afterwards, whatever the outcome.
test: install lint typecheck
	bash deploy/local/browser.sh chromium
	$(INFRA) up
	eval "$$($(INFRA) env)"; status=0; \
	$(UV) run pytest $(PYTEST_ARGS) $(TEST_PATHS) || status=$$?; \
	if [ "$${CI:-}" = true ]; then $(INFRA) down; fi; \
	exit $$status

dev: install up
	eval "$$($(INFRA) env)"; $(UV) run python deploy/local/dev.py

# Needs the running services; `make dev` runs it itself. A re-run changes nothing.
demo: install
	eval "$$($(INFRA) env)"; $(UV) run python -m deploy.local.demo

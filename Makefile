# One command surface. `make run` and `make test` work on a fresh machine: they install
# uv (from PyPI), the locked Python packages, the Kafka and Mongo-wire jars and the
# Keycloak distribution (Maven).

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
BOOTSTRAP := .local/bootstrap
UV := $(BOOTSTRAP)/bin/uv
PY := .venv/bin/python
JARS := .local/jars
JARS_STAMP := $(JARS)/.complete
# The local OpenID Connect provider (deploy/local/keycloak.py runs it on Temurin 25).
KEYCLOAK_VERSION := 26.5.6
KEYCLOAK := .local/keycloak
KEYCLOAK_STAMP := $(KEYCLOAK)/.complete-$(KEYCLOAK_VERSION)
PYTEST_ARGS ?=

.PHONY: help install jars keycloak browser run test unit lint typecheck fmt stop clean eval-classifier train-classifier bench
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help:
	@echo "make run        set everything up and run the whole system (Ctrl-C stops it)"
	@echo "make test       set everything up, start test servers, run lint, types and all tests"
	@echo "make unit       unit tests only (no servers)"
	@echo "make keycloak   fetch Keycloak (the local sign-in provider) and make its seed"
	@echo "make eval-classifier  triage (rules and model) on the held-out reports"
	@echo "make train-classifier retrain the triage model on tests/data/triage/train.jsonl"
	@echo "make bench      throughput and latency against the raw Kafka ceiling (about 8 min)"
	@echo "make lint | typecheck | fmt"
	@echo "make stop       stop servers left running by an interrupted run"

$(UV):
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(PY): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $(PY)

install: $(PY)

$(JARS_STAMP): deploy/local/pom.xml
	rm -rf $(JARS)
	mvn --quiet --batch-mode -f deploy/local/pom.xml dependency:copy-dependencies -Djars.dir=$(CURDIR)/$(JARS)
	touch $@

jars: $(JARS_STAMP)

# Through Maven, so ~/.m2 keeps the 164 MB archive for the next clone. Then one start of
# it makes the seed the stacks start from (deploy/local/keycloak.py; again only when the
# realm file changed) and Quarkus' dev-mode build, kept in the distribution's lib/quarkus.
$(KEYCLOAK_STAMP):
	rm -rf $(KEYCLOAK)
	mvn --quiet --batch-mode org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
		-Dartifact=org.keycloak:keycloak-quarkus-dist:$(KEYCLOAK_VERSION):tar.gz \
		-DoutputDirectory=$(CURDIR)/$(KEYCLOAK)
	mkdir -p $(KEYCLOAK)/dist
	tar -xzf $(KEYCLOAK)/keycloak-quarkus-dist-$(KEYCLOAK_VERSION).tar.gz -C $(KEYCLOAK)/dist --strip-components=1
	rm $(KEYCLOAK)/keycloak-quarkus-dist-$(KEYCLOAK_VERSION).tar.gz
	touch $@

keycloak: install $(KEYCLOAK_STAMP)
	$(PY) deploy/local/keycloak.py seed

# Debian's chromium for the console's browser tests (Playwright's own download does not
# work on these machines).
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

run: install jars keycloak
	$(PY) deploy/local/run.py

# The fault suite restarts the servers, so it gets a fresh stack of its own, after the rest.
# tests/triage runs `frontdesk triage evaluate` on the held-out file with the network cut off.
test: install jars keycloak browser lint typecheck
	$(PY) deploy/local/stack.py exec test --fresh -- $(PY) -m pytest --ignore=tests/faults $(PYTEST_ARGS)
	$(PY) deploy/local/stack.py exec test --fresh -- $(PY) -m pytest tests/faults $(PYTEST_ARGS)

# Reports written apart from the training file and never used for tuning; `make test`
# asserts the same figures (tests/triage/test_accuracy.py).
eval-classifier: install
	.venv/bin/frontdesk triage evaluate tests/data/triage/holdout.jsonl
	.venv/bin/frontdesk triage evaluate tests/data/triage/holdout_everyday.jsonl

# Thresholds by cross-validation on the training file only (about 10 minutes on 2 cores).
train-classifier: install
	.venv/bin/frontdesk triage train tests/data/triage/train.jsonl --out services/classifier/triage_model.json \
		--embedding-cache .local/triage-embeddings.npz

# Not part of `make test`: a fresh `bench` stack of its own; results in bench/results/.
bench: install jars
	$(PY) -m bench

unit: install
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

typecheck: install
	.venv/bin/mypy

fmt: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

stop:
	-$(PY) deploy/local/stack.py stop run
	-$(PY) deploy/local/stack.py stop test
	-$(PY) deploy/local/stack.py stop bench

clean: stop
	rm -rf .local .venv .mypy_cache .ruff_cache .pytest_cache

# Set-up, run and test commands. `make run` and `make test` are the two a new user needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON_BOOTSTRAP := $(shell command -v python3.11 || command -v python3)
FLASK := $(BIN)/flask --app wsgi

.PHONY: help install run test lint format clean system-packages translations

help:
	@echo "make install   set up .venv, node_modules, static/vendor, translations, Chromium"
	@echo "make run       initialise the database, load demo data if empty, serve on 127.0.0.1:5000"
	@echo "               with the background worker beside it (one Ctrl-C stops both)"
	@echo "make test      pytest on SQLite, then on PostgreSQL (127.0.0.1:5432/test)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make clean     remove install stamps, caches, static/vendor and compiled translations"

# Stamps live inside what they describe, so deleting .venv or node_modules resets them.
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR_STAMP := static/vendor/.installed

install: $(PY_STAMP) $(VENDOR_STAMP) translations system-packages

$(BIN)/python:
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)

$(PY_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# package-lock.json is committed; it is only generated when missing.
package-lock.json:
	npm install --package-lock-only --no-audit --no-fund

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(VENDOR_STAMP): $(NODE_STAMP) $(PY_STAMP) scripts/vendor_assets.sh
	scripts/vendor_assets.sh
	@touch $@

# The .mo files are git-ignored, so every install compiles them (it takes a moment).
translations: $(PY_STAMP)
	@if [ -d academy/translations ]; then \
	  $(BIN)/pybabel -q compile -d academy/translations; \
	fi

# Chromium for the browser tests; pango for WeasyPrint's PDFs. Checked every time, cheaply.
system-packages: $(PY_STAMP)
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	$(BIN)/python -c "import weasyprint" >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	  else \
	    echo "Please install these Debian packages (as root): apt-get install -y$$missing"; \
	  fi; \
	fi

run: export ACADEMY_ENV = development
run: install
	$(FLASK) academy init
	$(FLASK) academy demo --if-empty
	@scripts/run_dev.sh

test: install
	@scripts/test.sh $(PYTEST_ARGS)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(PY_STAMP) $(NODE_STAMP) static/vendor .pytest_cache .ruff_cache test-results
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  -name __pycache__ -type d -exec rm -rf {} +
	find academy -name '*.mo' -delete

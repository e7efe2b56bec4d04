# Two commands matter: `make demo` and `make test` (see README.md).
#
#   make test                 whole suite on SQLite, then on PostgreSQL
#   make test PYTEST_ARGS='-k batch -x'
#   make test-sqlite          SQLite only (fastest feedback)
#   make test-postgresql      PostgreSQL only (throwaway cluster)
#   make test-browser         French web client in headless Chromium only
#   make demo                 French demo database + web client on :8000
#   make update-po            refresh lot_facturation/locale/fr.po
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

# Debian packages: PostgreSQL for the second test run, HarfBuzz's subsetter
# for WeasyPrint (PDF reports); python3-venv only where ensurepip is missing
# (Debian's own python3); npm only where Node.js has none.
NEED_VENV := $(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv)
NEED_NPM := $(shell command -v npm >/dev/null || echo npm)
# Browser tests: Debian's Chromium (Playwright never downloads one) and npm
# for the web client sao.
APT_TEST := postgresql libharfbuzz-subset0 fonts-dejavu-core chromium $(NEED_VENV) $(NEED_NPM)
APT_DEMO := libharfbuzz-subset0 fonts-dejavu-core $(NEED_VENV) $(NEED_NPM)

.PHONY: test test-sqlite test-postgresql test-browser test-deps demo demo-deps \
	update-po venv clean-cache

# --- virtualenv -----------------------------------------------------------
venv: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[$*]'
	touch $@

# --- tests ----------------------------------------------------------------
test-deps:
	scripts/ensure-system-packages $(APT_TEST)

test: test-deps venv
	scripts/run-tests all $(PYTEST_ARGS)

test-sqlite: test-deps venv
	scripts/run-tests sqlite $(PYTEST_ARGS)

test-postgresql: test-deps venv
	scripts/run-tests postgresql $(PYTEST_ARGS)

test-browser: test-deps venv
	scripts/run-tests browser $(PYTEST_ARGS)

# --- French translations --------------------------------------------------
update-po: venv
	$(BIN)/python scripts/update_po.py

# --- demo -----------------------------------------------------------------
demo-deps:
	scripts/ensure-system-packages $(APT_DEMO)

demo: demo-deps $(VENV)/.installed-demo
	scripts/run-demo

clean-cache:
	rm -rf .cache

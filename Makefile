# ICT Assistant. Needs only Python 3.11+ and make: everything else goes into .venv/ in this checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 3978

.PHONY: install run chat test lint bench clean screenshots

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/ictbot db upgrade
	@echo ""
	@echo "ICT Assistant on http://$(HOST):$(PORT)  (health: /healthz, metrics: /metrics)"
	@echo "Database: as DATABASE_URL says (default ./ictbot.db), seeded with the sample 2019/20 plan when empty"
	@echo "In another terminal, talk to it:   $(BIN)/ictbot chat \"status\"   or   $(BIN)/ictbot chat"
	@echo "Stop with Ctrl-C."
	@echo ""
	$(BIN)/ictbot serve --host $(HOST) --port $(PORT)

chat: $(STAMP)
	$(BIN)/ictbot chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/handlers_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info ictbot.db ictbot.db-wal ictbot.db-shm

# The screenshots in the README and docs/: made by the browser tests (needs Debian's chromium and
# `npm ci --prefix tests/visual`).
screenshots: $(STAMP)
	ICTBOT_TEST_BROWSER=1 ICTBOT_WRITE_DOC_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/visual

# Two commands do it all on a fresh machine:
#   make run    install the app's dependencies and start it (embedded simulator, no API key)
#   make test   install test dependencies (and Debian's chromium if missing) and run every test
# For the inner loop: make test-fast (everything but the browser tests), make lint.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast lint browser bench

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

# pytest-xdist: most tests wait on sockets and timers, not on the CPU, so JOBS may exceed the cores.
JOBS ?= 3

test: lint browser
	$(PY) -m pytest -n $(JOBS)

test-fast: lint
	$(PY) -m pytest -n $(JOBS) -m "not browser"

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Playwright cannot download its own browser here: browser tests drive Debian's chromium.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Every benchmark except helpers (bench/_*.py) and the README screenshot generator.
bench: $(VENV)/.dev
	for b in bench/[!_]*.py; do [ "$$b" = tools/screenshots.py ] || $(PY) -m bench.$$(basename $$b .py); done

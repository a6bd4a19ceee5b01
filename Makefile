# Two commands do it all on a fresh machine:
#   make run    install the app's dependencies and start it (embedded simulator, no API key)
#               on http://127.0.0.1:8501; for a room: make run ADDRESS=0.0.0.0 PORT=8501
#   make test   install test dependencies (and Debian's chromium, postgresql and haproxy if missing)
#               and run every test
# For the inner loop: make test-fast (everything but the browser tests), make lint.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Where the app listens. Loopback by default; ADDRESS=0.0.0.0 serves everyone who can reach this
# machine (a workshop room). The embedded simulator and lesson servers stay on 127.0.0.1 either way.
ADDRESS ?= 127.0.0.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run room test test-fast lint browser postgres haproxy bench

# Serving a room: the terminal says so, names this machine's addresses, and Streamlit is told the
# address to print (else it asks checkip.amazonaws.com for it: the app fetches nothing online).
IPV4 = $(foreach a,$(shell hostname -I 2>/dev/null),$(if $(findstring :,$(a)),,$(a)))
ROOM_HOST = $(if $(filter 127.% localhost ::1,$(ADDRESS)),,$(firstword $(IPV4)))

run: $(VENV)/.runtime
	@case "$(ADDRESS)" in 127.*|localhost|::1) ;; *) \
	  echo "WARNING: serving the app on $(ADDRESS), port $(PORT): anyone who can reach this machine can use it."; \
	  echo "  Share http://$(or $(ROOM_HOST),<this machine's address>):$(PORT)/ (preset links too: add ?ttft=...)."; \
	  echo "  Every session that picks OpenAI uses OPENAI_API_KEY from this machine's environment or secrets;"; \
	  echo "  keys typed into the sidebar stay in the browser session that typed them."; \
	  echo "  The embedded simulator and lesson servers stay on 127.0.0.1."; \
	esac
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) \
	  $(if $(ROOM_HOST),--browser.serverAddress $(ROOM_HOST))

# A bigger room: REPLICAS app processes behind Debian's HAProxy (deploy/haproxy.cfg, as compose
# runs it), no containers. One Streamlit process runs every session under one GIL: on a 2-core
# machine 3 replicas hold 30 learners pressing Run at once, one process about 10 (bench/README.md).
REPLICAS ?= 3
room: $(VENV)/.dev haproxy
	@case "$(ADDRESS)" in 127.*|localhost|::1) ;; *) \
	  echo "WARNING: serving the app on $(ADDRESS), port $(PORT): anyone who can reach this machine can use it."; \
	  echo "  Share http://$(or $(ROOM_HOST),<this machine's address>):$(PORT)/ (preset links too: add ?ttft=...)."; \
	  echo "  Every session that picks OpenAI uses OPENAI_API_KEY from this machine's environment or secrets."; \
	esac
	$(PY) -m tools.replicas --replicas $(REPLICAS) --address $(ADDRESS) --port $(PORT) \
	  $(if $(ROOM_HOST),--public-host $(ROOM_HOST))

# pytest-xdist: most tests wait on sockets and timers, not on the CPU, so JOBS may exceed the cores.
# Four workers: the browser files run as two lanes (at most two browser tests at once) beside two
# lanes of the other tests, from the first second to the last (tests/support/schedule.py): both
# cores stay busy, ~230 s on a 2-core machine. `make test LANES=0` is the older plan: three
# workers, the browser tests last (~300 s; bench/README.md).
LANES ?= 1
ifeq ($(LANES),1)
PYTEST := STREAMLAB_LANES=1 $(PY) -m pytest -n $(or $(JOBS),4) --dist loadfile --no-loadscope-reorder
else
PYTEST := $(PY) -m pytest -n $(or $(JOBS),3)
endif

test: lint browser postgres haproxy
	$(PYTEST)

test-fast: lint postgres haproxy
	$(PYTEST) -m "not browser"

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

# Playwright cannot download its own browser here: browser tests drive Debian's chromium, as its
# headless shell (the same engine, about a third less CPU per page load: bench/README.md).
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium-headless-shell for the browser tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium-headless-shell fonts-dejavu-core >/dev/null; }

# The class board's store is tested against a real PostgreSQL too (tests/support/postgres.py starts
# one on loopback per test session): Debian's server binaries, in /usr/lib/postgresql/N/bin.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the class board's tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

# tests/deploy runs the app's replicas behind Debian's HAProxy with deploy/haproxy.cfg, the same
# load balancer and config deploy/compose.yaml runs (Debian keeps it in /usr/sbin).
haproxy:
	@[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || { \
	  echo "Installing Debian's haproxy for the replica tests..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy >/dev/null; }

# Every benchmark except helpers (bench/_*.py) and the README screenshot generator.
bench: $(VENV)/.dev
	for b in bench/[!_]*.py; do [ "$$b" = tools/screenshots.py ] || $(PY) -m bench.$$(basename $$b .py); done

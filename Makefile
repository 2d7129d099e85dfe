# Two commands on a fresh machine with Python 3.11+, make and a C compiler:
#   make run    set up and start the portal with a Celery worker and beat (embedded broker)
#   make test   set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages benchmark benchmark-1000 screenshots clean oidc-provider

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/python manage.py compile_catalogues

# scripts/run_local.py migrates and loads the demo itself, under a lock (var/run.lock): a
# second `make run` from the same folder, or a port in use, stops with a message and status 1.
run: install
	$(BIN)/python scripts/run_local.py

# The single sign-on tests start a real OpenID provider (Node's oidc-provider, tests/oidc/):
# installed when npm is there. Without it those tests skip on a laptop and fail in CI.
OIDC_STAMP := tests/oidc/node_modules/.installed

$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

oidc-provider: $(OIDC_STAMP)

test: install $(if $(shell command -v npm),$(OIDC_STAMP))
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-extract the French catalogues after changing strings (needs GNU gettext's xgettext).
messages: install
	$(BIN)/python scripts/make_messages.py

# Scale 1 and 100 on PostgreSQL (Redis too when REDIS_URL is set); writes docs/benchmarks.md
# (3 interleaved rounds; about 10 minutes on 2 cores).
benchmark: install
	$(BIN)/python scripts/benchmark.py

# Scale 1 and 1,000 (about 50,000 groups and 1 million objectives): long, its own target.
benchmark-1000: install
	$(BIN)/python scripts/benchmark.py --scales 1 1000 --output docs/benchmarks-1000.md

# The README's phone screenshots, in French, at 375 px (a scratch SQLite demo; needs Chromium).
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var staticfiles tests/oidc/node_modules

# The two ways in: `make run` (set up and serve on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deps-installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := app.py

# The PostgreSQL + Redis pass (run by `make test` when CI=true, or by `make test-scaleout`).
TEST_PG_URL    ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
STATS_CHECK_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/stats_check

.PHONY: setup prepare run test test-sqlite test-scaleout browser bench lint translations services

setup: prepare
	@$(BIN)/flask seed >/dev/null

prepare: $(STAMP)
	@$(BIN)/flask i18n compile >/dev/null
	@$(BIN)/flask db upgrade >/dev/null

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $(STAMP)

# Demo content and accounts on a new database (never next to real accounts); prints the accounts.
run: prepare
	@$(BIN)/flask seed --demo --quiet
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Debian's Chromium and Korean fonts for the browser tests (Playwright drives it; no browser is
# downloaded) and axe-core from npm for the accessibility checks. Another apt run (unattended
# upgrades) holds the dpkg lock for a while: wait for it rather than skip the browser tests.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600
BROWSER_PACKAGES := chromium fonts-noto-cjk

browser: node_modules/.installed
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing for the browser tests"; \
	  for i in $$(seq 1 60); do $(APT_GET) update && break; echo "apt is busy, waiting"; sleep 10; done; \
	  $(APT_GET) install -y $$missing >/dev/null \
	  || { echo "could not install $$missing"; [ "$(CI)" != "true" ] || exit 1; }; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# In parallel (pytest-xdist, one worker per core); the tests that share Redis go to one worker.
PYTEST := $(BIN)/python -m pytest -n auto --dist loadgroup

test: $(STAMP) browser
	@$(BIN)/flask i18n compile >/dev/null
	$(PYTEST)
ifeq ($(CI),true)
	$(MAKE) test-scaleout
endif

# Each xdist worker gets its own database (<database>_gw0, …), created when missing.
test-scaleout: $(STAMP) browser services
	@$(BIN)/flask i18n compile >/dev/null
	TEST_DATABASE_URL=$(TEST_PG_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PYTEST)
	@# The statistics kept by the events equal a recount: a migrated database, demo content through the
	@# services, then `stats check` (exits 1 on any difference).
	psql -q -h 127.0.0.1 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS stats_check WITH (FORCE)' -c 'CREATE DATABASE stats_check'
	DATABASE_URL=$(STATS_CHECK_URL) REDIS_URL= $(BIN)/flask db upgrade >/dev/null
	DATABASE_URL=$(STATS_CHECK_URL) REDIS_URL= $(BIN)/flask seed --demo --quiet >/dev/null 2>&1
	DATABASE_URL=$(STATS_CHECK_URL) REDIS_URL= $(BIN)/flask stats check

# Start the local PostgreSQL and Redis when they are down (this machine's own services).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "services did not start"; exit 1

bench: setup
	@for script in bench/[!_]*.py; do echo "== $$script"; PYTHONPATH=. $(BIN)/python $$script || exit 1; done

# ruff (style and likely bugs) and mypy (types, None misuse) over civic/, as CI runs them first.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Re-extract the core catalog after changing texts (features: see README, Translations).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o civic/translations/messages.pot civic/*.py civic/accounts civic/api \
	  mobile_web/templates/*.html mobile_web/templates/errors mobile_web/templates/accounts
	$(BIN)/pybabel update -i civic/translations/messages.pot -d civic/translations

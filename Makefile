# wangge: `make demo` brings up the Liangquan demo at http://127.0.0.1:8000; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VENDOR := wangge/static/vendor

.PHONY: demo test test-quick test-slow pytest setup assets messages extract-messages lint format bench clean

demo: setup
	$(VENV)/bin/wangge demo
	$(VENV)/bin/wangge serve

setup: $(STAMP) $(VENDOR)/.copied messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

assets: $(VENDOR)/.copied

messages: $(STAMP)
	$(VENV)/bin/pybabel compile -d wangge/locale -D django
	$(VENV)/bin/pybabel compile -d wangge/locale -D djangojs

# Refresh the catalogue from the code's msgids (then translate the new entries).
extract-messages: $(STAMP)
	cd wangge && ../$(PY) ../manage.py makemessages -l zh_Hans --no-location --no-obsolete \
	  --ignore 'tests/*' --ignore '*/tests/*' -v 0
	cd wangge && ../$(PY) ../manage.py makemessages -d djangojs -l zh_Hans --no-location \
	  --no-obsolete -v 0

# Runs on SQLite always, and on PostgreSQL too when WANGGE_TEST_DATABASE_URL is set.
# `make test` runs every test, the slow ones too (the full demo, served; backup drills);
# `make test-quick` leaves the slow ones out while you work.
# Three processes on two cores: the browser and PostgreSQL tests spend much of their time
# waiting; work stealing keeps the long demo tests from ending up last on one process.
TEST_WORKERS ?= 3

test: setup
	$(MAKE) --no-print-directory pytest MARK=""

test-quick: setup
	$(MAKE) --no-print-directory pytest MARK="not slow"

test-slow: setup
	$(MAKE) --no-print-directory pytest MARK="slow"

# With PostgreSQL configured, the browser tests and the slow ones (the demo built and served,
# backup drills, fault tests) run once, on SQLite, the quicker to build a demo; the rest runs on
# both, and the tests marked `postgres` (they need the server) run in the PostgreSQL run.
# Without it, everything runs on SQLite. (pytest answers 5 when a selection is empty.)
PG_SET := ((not slow and not browser) or postgres)
SQLITE_PYTEST := env -u WANGGE_TEST_DATABASE_URL $(VENV)/bin/pytest -q --dist worksteal

# With PostgreSQL the two runs go side by side (two processes each: much of a test's time is
# spent waiting on the database server or the browser), SQLite's report printed when both end.
pytest:
	@if [ -z "$$WANGGE_TEST_DATABASE_URL" ]; then \
	  echo "== SQLite ($(or $(MARK),all))"; \
	  $(SQLITE_PYTEST) -n $(TEST_WORKERS) -m "$(MARK)" || [ $$? -eq 5 ]; \
	else \
	  mkdir -p var; \
	  ( $(SQLITE_PYTEST) -n 2 -m "$(MARK)" > var/test-sqlite.log 2>&1; echo $$? > var/test-sqlite.rc ) & \
	  m="$(if $(MARK),($(MARK)) and $(PG_SET),$(PG_SET))"; \
	  echo "== PostgreSQL ($$m): $$WANGGE_TEST_DATABASE_URL"; \
	  $(VENV)/bin/pytest -q -n 2 --dist worksteal -m "$$m"; pg=$$?; \
	  wait; echo "== SQLite ($(or $(MARK),all))"; cat var/test-sqlite.log; sq=$$(cat var/test-sqlite.rc); \
	  { [ $$pg -eq 0 ] || [ $$pg -eq 5 ]; } && { [ $$sq -eq 0 ] || [ $$sq -eq 5 ]; }; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/import_regions.py
	$(PY) bench/import_households.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles

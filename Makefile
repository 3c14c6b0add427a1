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

# With PostgreSQL configured (CI) the suite is split so that each test runs once and the whole
# stays within CI's 15 minutes on two cores: the browser tests and the slow ones (the demo built
# and served, backup drills, fault tests) on SQLite, the quicker to build a demo; everything
# else on PostgreSQL, the database a county runs on, with the tests marked `postgres` (they need
# the server). Without it, everything runs on SQLite. (pytest answers 5 when nothing is selected.)
SQLITE_SET := (slow or browser) and not postgres
PG_SET := (not slow and not browser) or postgres

pytest:
	@if [ -n "$$WANGGE_TEST_DATABASE_URL" ]; then m="$(if $(MARK),($(MARK)) and ($(SQLITE_SET)),$(SQLITE_SET))"; \
	else m="$(MARK)"; fi; \
	echo "== SQLite ($${m:-all})"; \
	env -u WANGGE_TEST_DATABASE_URL $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist worksteal -m "$$m" \
	  || [ $$? -eq 5 ]
	@if [ -n "$$WANGGE_TEST_DATABASE_URL" ]; then \
	  m="$(if $(MARK),($(MARK)) and ($(PG_SET)),$(PG_SET))"; \
	  echo "== PostgreSQL ($$m): $$WANGGE_TEST_DATABASE_URL"; \
	  $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist worksteal -m "$$m" || [ $$? -eq 5 ]; \
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

# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test demo-data lint messages catalogues bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Translation catalogues: every django.po (per app, plus locale/ for project templates) is compiled
# to its .mo when it changes. The .mo files are build output, not committed.
PO_FILES := $(shell find locale cases screening safety referrals documentation -name '*.po' -path '*/LC_MESSAGES/*' 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES)

# Refresh the French catalogues from the marked strings (README "Languages"): each app's own,
# then the project's (templates/, config/, static/), each app folder left to its own catalogue.
APPS := cases screening safety referrals documentation
catalogues: $(STAMP)
	# Only apps that have their locale/ folder: elsewhere makemessages would write the app's
	# strings into the project catalogue (LOCALE_PATHS) and drop its entries. Start one with
	# `mkdir -p <app>/locale`.
	for app in $(APPS); do if [ -d $$app/locale ]; then (cd $$app && ../$(BIN)/python ../manage.py makemessages -l fr --no-obsolete --no-location) || exit 1; fi; done
	for domain in django djangojs; do $(BIN)/python manage.py makemessages -d $$domain -l fr --no-obsolete --no-location \
	  --ignore=.venv --ignore=tests --ignore=var --ignore='*.egg-info' --ignore=bench $(APPS:%=--ignore=%) || exit 1; done

demo-data: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py load_demo

run: demo-data
	@echo "Harbor is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The browser journeys need a Chromium: tests/browser/chromium.py finds or sets one up, and says
# which (system Chromium, else Playwright's download, else Debian's package as root).
# Two pytest-xdist workers by default (this kind of machine has two cores; CI runs the suite on
# PostgreSQL and on SQLite within its time limit); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: $(STAMP) messages
	HARBOR_CHROMIUM="$$($(BIN)/python tests/browser/chromium.py)" $(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy .

# The benchmark (README "Benchmark"): needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust
# auth; BENCH_PG overrides) and Chromium. Installs the `bench` extra (gunicorn, locust) here
# only. BENCH_QUICK=1: 1,000 cases and fewer rounds; BENCH_ARGS: e.g. --skip-load --skip-browser.
bench: $(STAMP) messages
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	HARBOR_CHROMIUM="$$($(BIN)/python tests/browser/chromium.py)" BENCH_QUICK=$(BENCH_QUICK) \
		$(BIN)/python -m bench.run $(BENCH_ARGS)

# Benchlearn: `make demo` serves the app with demo data (and a worker), `make test` runs every check.
# Both set everything up themselves on a fresh machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/benchlearn
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint pytest-sqlite pytest-postgres install system messages clean bench

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Benchlearn needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

# Browser tests drive Debian's chromium; the translation check needs gettext; PDFs
# (Typst) use the DejaVu fonts, the charts' font (without them Typst's own serif font).
# Install them when we are allowed to (root with apt-get), otherwise say how.
system:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	for package in fonts-dejavu-core; do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (sudo apt-get install$$missing); their tests are skipped"; \
	  fi; \
	fi

# Re-extract translatable strings and compile the catalogue after translating.
messages: install
	cd benchlearn && ../$(BIN)/benchlearn makemessages -l pl --no-obsolete --add-location file
	cd benchlearn && ../$(BIN)/benchlearn compilemessages -l pl

demo: install
	$(BIN)/benchlearn migrate --verbosity 0
	$(BIN)/benchlearn demo
	$(BIN)/benchlearn serve 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy benchlearn
	$(BIN)/lint-imports
	@# A module past ~500 lines becomes a package split by concern; 600 is the limit.
	@find benchlearn -name '*.py' -not -path '*/migrations/*' -exec wc -l {} + | awk '$$2 != "total" && $$1 > 600 { print "over 600 lines, split it by concern: " $$2; bad = 1 } END { exit bad }'

# Each run keeps its files (uploads, exports) in its own directory, so that the two
# can run side by side (`make test`).
pytest-sqlite: install node_modules/.installed system
	env -u DATABASE_URL BENCHLEARN_DATA_DIR=$(CURDIR)/var/test-sqlite $(BIN)/pytest

# Runs when a PostgreSQL server answers (CI makes sure one does and sets
# BENCHLEARN_REQUIRE_POSTGRES=1 so that a missing server fails instead of skipping).
pytest-postgres: install node_modules/.installed system
	@if $(BIN)/python -c 'import psycopg, sys; psycopg.connect("$(PG_TEST_URL)".rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()' 2>/dev/null; then \
	  echo "== PostgreSQL =="; DATABASE_URL=$(PG_TEST_URL) BENCHLEARN_DATA_DIR=$(CURDIR)/var/test-postgres $(BIN)/pytest -p no:cacheprovider; \
	elif [ -n "$$BENCHLEARN_REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL is required but not reachable at $(PG_TEST_URL)"; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_TEST_URL): skipping the PostgreSQL run"; \
	fi

# The SQLite and PostgreSQL runs go side by side (half the wall time on two cores);
# each run's report is printed whole when it ends.
test: lint install node_modules/.installed system
	@echo "Running the suite on SQLite and on PostgreSQL side by side; each report follows when its run ends."
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgres

bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache .mypy_cache .import_linter_cache

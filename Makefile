# jixiao — the two commands of the README:
#   make load   set up, then load the bundled sample sources into data/warehouse.duckdb
#   make test   set up, then run the whole test suite
# Everything else here is what those two need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export DO_NOT_TRACK := 1
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: load test setup browser lint dev clean

load: setup
	$(BIN)/jixiao load

test: setup browser
	$(BIN)/ruff check pipelines tests benchmarks dbt_project
	$(BIN)/mypy
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

# The report test opens the HTML report in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (for the report's browser test)"; \
	    apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends chromium >/dev/null; }; \
	  else echo "note: install chromium to run the report's browser test"; fi

lint: setup
	$(BIN)/ruff check pipelines tests benchmarks dbt_project
	$(BIN)/mypy

dev: setup
	cd pipelines && ../$(BIN)/dg dev

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs

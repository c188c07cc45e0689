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

.PHONY: load test setup browser bi-clients lint dev clean

load: setup
	$(BIN)/jixiao load

test: setup browser bi-clients
	$(BIN)/ruff check pipelines tests benchmarks dbt_project clients
	$(BIN)/mypy
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

# The BI clients' environment (an older DuckDB, SQLAlchemy + duckdb-engine, Polars): the tests
# open the published warehouse from it as a BI tool would (tests/test_bi_clients.py).
BI_VENV  := .venv-bi
BI_STAMP := $(BI_VENV)/.installed

bi-clients: $(BI_STAMP)

$(BI_STAMP): tests/bi/requirements.txt clients/duckdb_sqlalchemy/pyproject.toml clients/duckdb_sqlalchemy/src/jixiao_duckdb_sqlalchemy/__init__.py
	test -d $(BI_VENV) || $(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --force-reinstall --no-deps ./clients/duckdb_sqlalchemy
	$(BI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/bi/requirements.txt
	touch $(BI_STAMP)

# The report test opens the HTML report in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (for the report's browser test)"; \
	    apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends chromium >/dev/null; }; \
	  else echo "note: install chromium to run the report's browser test"; fi

lint: setup
	$(BIN)/ruff check pipelines tests benchmarks dbt_project clients
	$(BIN)/mypy

dev: setup
	cd pipelines && ../$(BIN)/dg dev

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs

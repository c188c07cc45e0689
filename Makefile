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

.PHONY: load test setup lint dev clean

load: setup
	$(BIN)/jixiao load

test: setup
	$(BIN)/ruff check pipelines tests benchmarks
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

lint: setup
	$(BIN)/ruff check pipelines tests benchmarks

dev: setup
	$(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs

"""The Dagster code location: thin wiring around :mod:`jixiao.load` and the dbt project."""

"""The published warehouse as the BI side opens it: an older DuckDB (the engine most BI
drivers bundle), SQLAlchemy + duckdb-engine (what Superset uses), Polars — each from its own
environment, ``.venv-bi`` (``make test`` builds it from tests/bi/requirements.txt) — and Ibis,
which fails against DuckDB 2's Python API but works on the 1.x a BI environment has."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from jixiao.settings import DEFAULT_STORAGE_VERSION
from tests.conftest import ROOT
from tests.test_readme import readme_queries

BI_PYTHON = ROOT / ".venv-bi" / "bin" / "python"
PROBE = ROOT / "tests" / "bi" / "probe.py"
BI_TABLE = re.compile(r"^(dim|fct|mart)_")


@pytest.fixture(scope="module")
def seen(samples_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the BI environment sees in the samples warehouse, and the README's queries'
    answers there."""
    assert BI_PYTHON.exists(), "no BI clients' environment: run `make bi-clients` (make test does)"
    queries = [q for q, _ in readme_queries()]
    assert queries, "the README shows no queries"
    listed = tmp_path_factory.mktemp("bi") / "queries.json"
    listed.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([str(BI_PYTHON), str(PROBE), str(samples_warehouse), str(listed)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    out: dict[str, Any] = json.loads(done.stdout)
    out["queries"] = queries
    return out


def _bi_tables(warehouse: Path) -> dict[str, tuple[str | None, dict[str, str | None]]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = dict(con.execute(
            "select table_name, comment from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main'").fetchall())
        columns: dict[str, dict[str, str | None]] = {t: {} for t in tables}
        for table, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'main' order by table_name, column_index").fetchall():
            columns[table][column] = comment
        return {t: (tables[t], columns[t]) for t in tables}
    finally:
        con.close()


def test_the_oldest_supported_duckdb_reads_the_warehouse(seen: dict[str, Any], samples_warehouse: Path) -> None:
    """DuckDB 1.1, directly and through SQLAlchemy, opens the file read-only and answers the
    README's queries as DuckDB 2 does."""
    assert seen["duckdb"]["version"] == "1.1.3" and DEFAULT_STORAGE_VERSION == "v1.1.0"
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        def plain(v: Any) -> Any:
            return v if v is None or isinstance(v, (int, float, str, bool)) else str(v)
        here = [[[plain(v) for v in row] for row in con.sql(q).fetchall()] for q in seen["queries"]]
    finally:
        con.close()
    assert seen["duckdb"]["answers"] == here
    assert seen["sqlalchemy"]["answers"] == here  # through duckdb-engine, as Superset would ask
    assert any(rows for rows in here), "every README query answered nothing on the samples"


def test_the_bi_schema_holds_only_dims_facts_and_marts(seen: dict[str, Any], samples_warehouse: Path) -> None:
    tables = seen["sqlalchemy"]["tables"]
    assert tables and all(BI_TABLE.match(t) for t in tables), tables
    assert set(tables) == set(_bi_tables(samples_warehouse))
    schemas = {s.split(".")[-1] for s in seen["sqlalchemy"]["schemas"] if s.startswith("warehouse.")}
    assert {"main", "raw", "reference", "jixiao"} <= schemas  # raw rows, seeds and bookkeeping kept apart


def test_every_table_and_column_is_commented(seen: dict[str, Any], samples_warehouse: Path) -> None:
    detail = seen["sqlalchemy"]["detail"]
    missing = [t for t, d in detail.items() if not d["comment"]]
    missing += [f"{t}.{c}" for t, d in detail.items() for c, info in d["columns"].items() if not info["comment"]]
    assert not missing, f"no comment on {missing}"
    # the comments SQLAlchemy reads are the ones in the database (dbt persist_docs)
    in_db = _bi_tables(samples_warehouse)
    assert {t: d["comment"] for t, d in detail.items()} == {t: c for t, (c, _) in in_db.items()}


def test_keys_are_declared_for_tools_to_find_the_joins(seen: dict[str, Any]) -> None:
    detail = seen["sqlalchemy"]["detail"]
    without_key = sorted(t for t, d in detail.items() if not d["primary_key"])
    assert without_key == ["mart_load_errors"]  # its rows name documents that may not have loaded
    assert detail["dim_project"]["primary_key"] == ["project_id"]
    assert {
        "project_id->dim_project.project_id",
        "unit_id->dim_unit.unit_id",
        "department_id->dim_department.department_id",
        "document_key->dim_document.document_key",
    } <= set(detail["fct_project_funding"]["foreign_keys"])
    assert "level2_code->dim_indicator_category.category_code" in detail["fct_indicator_target"]["foreign_keys"]
    assert "funding_id->fct_project_funding.funding_id" in detail["fct_project_funding_source"]["foreign_keys"]
    # every fact and mart keyed by a department leads to dim_department
    for table, d in detail.items():
        if "department_id" in d["columns"] and table != "dim_department":
            assert "department_id->dim_department.department_id" in d["foreign_keys"], table


def test_columns_have_types_a_bi_tool_understands(seen: dict[str, Any]) -> None:
    detail = seen["sqlalchemy"]["detail"]
    untyped = [f"{t}.{c}" for t, d in detail.items() for c, i in d["columns"].items() if i["type"] == "NULL"]
    assert not untyped
    lists = [f"{t}.{c}" for t, d in detail.items() for c, i in d["columns"].items() if "[]" in i["type"]]
    assert not lists, "list columns show escaped in BI tools"
    timed = [t for t, d in detail.items() if t.startswith(("fct_", "mart_")) and "budget_year" in d["columns"]]
    assert all(detail[t]["columns"].get("budget_date", {}).get("type") == "DATE" for t in timed if t != "mart_load_errors")


def test_polars_reads_the_marts(seen: dict[str, Any], samples_warehouse: Path) -> None:
    frame = seen["duckdb"]["polars"]
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        rows = con.execute("select count(*) from mart_department_funding_yoy").fetchone()
        by_year = [[y, str(a)] for y, a in con.execute(
            "select budget_year, sum(amount_wan) from mart_project_funding_yoy group by 1 order by 1").fetchall()]
    finally:
        con.close()
    assert rows is not None and frame["rows"] == rows[0] > 0
    assert frame["types"][frame["columns"].index("budget_date")] == "Date"
    assert seen["sqlalchemy"]["polars_sqlalchemy"] == by_year


def test_ibis_reads_the_marts(seen: dict[str, Any], samples_warehouse: Path) -> None:
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        by_year = [[y, str(a)] for y, a in con.execute(
            "select budget_year, sum(amount_wan) from mart_project_funding_yoy group by 1 order by 1").fetchall()]
    finally:
        con.close()
    assert seen["ibis"] == by_year and by_year


def test_a_long_lived_connection_sees_a_new_load_once_it_reconnects(samples_warehouse: Path, tmp_path: Path) -> None:
    """What the README tells BI users: an open connection keeps the load it opened; a new
    connection sees the one published since."""
    import shutil

    from jixiao.warehouse.build import META_TABLE, publish_copy

    published = tmp_path / "warehouse.duckdb"
    shutil.copyfile(samples_warehouse, published)
    before = duckdb.connect(str(published), read_only=True)
    try:
        first = before.execute(f"select built_at from {META_TABLE}").fetchone()
        build = tmp_path / "build" / "warehouse.duckdb"
        build.parent.mkdir()
        shutil.copyfile(samples_warehouse, build)
        con = duckdb.connect(str(build))
        con.execute(f"update {META_TABLE} set built_at = 'the next load'")
        con.close()
        publish_copy(build, published)  # as a load publishes: copied beside it, renamed into place
        assert before.execute(f"select built_at from {META_TABLE}").fetchone() == first
        assert before.execute("select count(*) from dim_project").fetchone() is not None  # still reads whole
    finally:
        before.close()
    after = duckdb.connect(str(published), read_only=True)
    try:
        assert after.execute(f"select built_at from {META_TABLE}").fetchone() == ("the next load",)
    finally:
        after.close()


def test_the_documentation_site_is_published_beside_the_warehouse(samples_warehouse: Path) -> None:
    from jixiao.warehouse.dbt import docs_folder

    page = docs_folder(samples_warehouse) / "index.html"
    assert page.parent == samples_warehouse.parent / "warehouse_docs"
    html = page.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and len(html) > 100_000
    assert "manifest" in html and "catalog" in html  # dbt's static page embeds both: it opens offline

"""One list of funding sources (amount columns): ``jixiao.parser.vocabulary``. Every copy of
it — dbt's ``funding_sources`` var, the staging tables, the warehouse models' columns, the
export's measures — must agree with it, and nothing may drop an amount without a word.

See docs/adding_a_funding_source.md."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from jixiao.export import FUNDING_QUERY, MEASURES
from jixiao.parser.vocabulary import (
    AMOUNT_COLUMNS,
    AMOUNT_KEYS,
    AMOUNT_KIND,
    AMOUNT_KINDS,
    AMOUNT_LABELS,
    APPROPRIATION_PART,
    FUNDING_SOURCES,
    SOURCE,
    SPENDING,
    TOTAL,
)
from jixiao.sources.fetch import Fetched
from jixiao.sources.manifest import Entry
from jixiao.staging import store as store_module
from jixiao.staging.records import UnknownAmountError, staging_rows
from jixiao.staging.schema import DOCUMENT_TABLES, FUNDING_ROWS, SCHEMA_FINGERPRINT, Table, schema_fingerprint
from jixiao.staging.store import StagingStore, version_name

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / "dbt_project"

#: What each model carries (macros/funding_sources.sql): a project's facts leave out the
#: department's spending kinds; the staging and department models carry every amount.
PROJECT_KEYS = [k for k in AMOUNT_KEYS if AMOUNT_KIND[k] != SPENDING]
SOURCE_MIX_KEYS = [k for k in AMOUNT_KEYS if AMOUNT_KIND[k] in (SOURCE, APPROPRIATION_PART)]
MODELS: dict[str, list[str]] = {
    "staging.stg_funding_rows": list(AMOUNT_KEYS),
    "intermediate.int_funding_rows": [f"{k}_wan" for k in PROJECT_KEYS],
    "intermediate.int_project_rows": [f"{k}_wan" for k in PROJECT_KEYS],
    "intermediate.int_projects": [f"{k}_wan" for k in PROJECT_KEYS],
    "main.fct_project_funding": [f"{k}_wan" for k in PROJECT_KEYS],
    "intermediate.int_department_rows": [f"{k}_wan" for k in AMOUNT_KEYS],
    "main.fct_department_target": [f"{k}_wan" for k in AMOUNT_KEYS],
}


def _yaml_block(sources: list[dict[str, str]] | tuple[dict[str, str], ...]) -> str:
    return "  funding_sources:\n" + "".join(
        f"    - {{key: {s['key']}, heading: {s['heading']}, kind: {s['kind']}}}\n" for s in sources
    )


def _amount_columns(columns: list[str]) -> list[str]:
    """The columns that hold an amount (``key`` or ``key_wan`` of any key the vocabulary or
    dbt's var knows), in table order."""
    keys = set(AMOUNT_KEYS) | {s["key"] for s in _dbt_var()}
    return [c for c in columns if c in keys or (c.endswith("_wan") and c.removesuffix("_wan") in keys)]


def _dbt_var() -> list[dict[str, Any]]:
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text(encoding="utf-8"))
    return list(project["vars"]["funding_sources"])


# ---------------------------------------------------------------- the list itself


def test_the_vocabulary_is_well_formed() -> None:
    keys = [c.key for c in AMOUNT_COLUMNS]
    assert len(keys) == len(set(keys)) and sorted(keys) == sorted(AMOUNT_KEYS), "AMOUNT_KEYS is not AMOUNT_COLUMNS"
    for c in AMOUNT_COLUMNS:
        # keys become SQL identifiers (staging columns, <key>_wan) and dbt var values
        assert re.fullmatch(r"[a-z][a-z0-9_]*", c.key), c.key
        assert c.kind in AMOUNT_KINDS, f"{c.key}: kind {c.kind!r} is not one of {AMOUNT_KINDS}"
        assert c.heading and "'" not in c.heading, c.key
    assert [k for k in AMOUNT_KEYS if AMOUNT_KIND[k] == TOTAL] == ["total"]
    assert [s["key"] for s in FUNDING_SOURCES] == list(AMOUNT_KEYS)
    assert all(s["heading"] == AMOUNT_LABELS[s["key"]] for s in FUNDING_SOURCES)


def test_the_dbt_var_is_the_vocabulary() -> None:
    """dbt_project.yml's ``vars: funding_sources`` (what every model takes its amount columns
    from) lists the vocabulary's amounts: same keys, headings and kinds, in the same order."""
    got = _dbt_var()
    want = [dict(s) for s in FUNDING_SOURCES]
    assert got == want, (
        "dbt_project.yml's funding_sources var differs from jixiao.parser.vocabulary.FUNDING_SOURCES; "
        "replace it with:\n" + _yaml_block(want)
    )


def test_the_staging_table_has_one_column_per_amount() -> None:
    columns = FUNDING_ROWS.column_names
    assert len(columns) == len(set(columns)), "an amount key collides with another staging column"
    assert _amount_columns(columns) == list(AMOUNT_KEYS)
    assert all(dict(FUNDING_ROWS.columns)[k] == "VARCHAR" for k in AMOUNT_KEYS)  # the parser's decimal text


def test_the_export_measures_are_the_vocabulary() -> None:
    assert list(MEASURES) == PROJECT_KEYS
    for key, (column, title) in MEASURES.items():
        assert column == f"{key}_wan" and title.startswith(AMOUNT_LABELS[key])
        assert f"f.{column}" in FUNDING_QUERY


CONTRACT_COLUMN = re.compile(r"^\s*- name: \w+_wan\n(\s+(data_type|description): .*\n)*", re.M)


def test_the_contracts_list_every_amount(samples_warehouse: Path) -> None:
    """A model with an enforced contract (the BI schema's facts) lists its columns in its YAML;
    its amount columns are the var's, in order — the block to paste when a source is added."""
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        wrong = []
        for path in sorted((DBT / "models" / "marts").glob("*.yml")):
            for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
                if not (model.get("config") or {}).get("contract", {}).get("enforced"):
                    continue
                listed = [c["name"] for c in model.get("columns", [])]
                built = _columns(con, f"main.{model['name']}")
                if _amount_columns(listed) != _amount_columns(built):
                    block = "\n".join(
                        f"      - name: {c}\n        data_type: decimal(22,6)\n"
                        f"        description: \"{{{{ doc('{c}') }}}}\""
                        for c in _amount_columns(built)
                    )
                    wrong.append(f"{path.relative_to(DBT)}: list these amount columns, in this order:\n{block}")
    finally:
        con.close()
    assert not wrong, "\n".join(wrong)


def test_no_sql_model_spells_out_a_funding_source() -> None:
    """The models name the amount columns through macros/funding_sources.sql, never by hand
    (总计 and the department's 基本支出 / 项目支出 may be used by name where a model needs them)."""
    named = [k for k in AMOUNT_KEYS if AMOUNT_KIND[k] in (SOURCE, APPROPRIATION_PART)]
    pattern = re.compile(r"\b(" + "|".join(named) + r")(_wan)?\b")
    offenders = {}
    for path in sorted((DBT / "models").rglob("*")):
        if path.suffix in (".sql", ".py", ".yml"):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".yml":  # a contract lists its columns: test_the_contracts_list_every_amount
                text = CONTRACT_COLUMN.sub("", text)
            found = sorted({m.group(0) for m in pattern.finditer(text)})
            if found:
                offenders[str(path.relative_to(DBT))] = found
    assert not offenders, f"funding sources spelled out by hand (use the funding_sources macros): {offenders}"


# ---------------------------------------------------------------- no silent traps


def _table(amounts: dict[str, str | None]) -> dict[str, Any]:
    return {
        "document": {
            "department": "测试局",
            "year": 2026,
            "pages": [1, 1],
            "page_count": 1,
            "kind": "project",
            "layout": "compact",
            "currency_unit": "万元",
            "amount_columns": list(amounts),
            "parser_version": "test",
        },
        "rows": [
            {"row_type": "project", "unit": "测试局", "project": "项目", "page": 1, "amounts": amounts},
        ],
        "indicators": [],
        "reconciliation": {"ok": True, "checks": []},
    }


def _entry_and_fetched(tmp_path: Path) -> tuple[Entry, Fetched]:
    entry = Entry("测试局", 2026, None, tmp_path / "x.pdf", None, None, tmp_path / "m.yaml", 1)
    fetched = Fetched(entry.key, entry.location, "0" * 64, tmp_path / "x.pdf", 1, "2026-01-01T00:00:00+00:00")
    return entry, fetched


def test_every_known_amount_is_staged(tmp_path: Path) -> None:
    entry, fetched = _entry_and_fetched(tmp_path)
    amounts = {k: f"{i}.5" for i, k in enumerate(AMOUNT_KEYS)}
    rows, _ = staging_rows([_table(amounts)], entry, fetched)
    (row,) = rows[FUNDING_ROWS.name]
    staged = dict(zip(FUNDING_ROWS.column_names, row, strict=True))
    assert {k: staged[k] for k in AMOUNT_KEYS} == amounts


def test_an_amount_the_staging_tables_do_not_know_fails_loudly(tmp_path: Path) -> None:
    entry, fetched = _entry_and_fetched(tmp_path)
    with pytest.raises(UnknownAmountError, match=r"'city_level_spending'.*vocabulary\.py"):
        staging_rows([_table({"total": "1", "city_level_spending": "1"})], entry, fetched)
    assert issubclass(UnknownAmountError, ValueError)  # the load records it as the document's stage_error


def test_a_staging_schema_change_stages_every_document_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staged versions carry a fingerprint of the staging tables: changing a column (a new
    amount in the vocabulary) makes every staged document out of date, whatever PARSER_VERSION."""
    assert schema_fingerprint(DOCUMENT_TABLES) == SCHEMA_FINGERPRINT
    wider = Table(FUNDING_ROWS.name, (*FUNDING_ROWS.columns, ("city_level_spending", "VARCHAR")))
    others = tuple(t for t in DOCUMENT_TABLES if t is not FUNDING_ROWS)
    assert schema_fingerprint((*others, wider)) != SCHEMA_FINGERPRINT
    retyped = Table(
        FUNDING_ROWS.name, tuple((c, "DECIMAL(24,6)" if c == "total" else t) for c, t in FUNDING_ROWS.columns)
    )
    assert schema_fingerprint((*others, retyped)) != SCHEMA_FINGERPRINT

    store = StagingStore(tmp_path / "staging")
    entry, fetched = _entry_and_fetched(tmp_path)
    rows, _ = staging_rows([_table({"total": "1"})], entry, fetched)
    store.stage(entry.key, fetched.sha256, "9.9.9", rows, {})
    assert store.is_current(entry.key, fetched.sha256, "9.9.9")
    assert SCHEMA_FINGERPRINT in version_name(fetched.sha256, "9.9.9")
    monkeypatch.setattr(store_module, "SCHEMA_FINGERPRINT", "0123456789ab")  # as if schema.py changed
    assert not store.is_current(entry.key, fetched.sha256, "9.9.9")
    assert store.current(entry.key) is not None  # the old version stays in use until the new one is staged


# ---------------------------------------------------------------- the built warehouse


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    schema, name = relation.split(".")
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, name],
        ).fetchall()
    ]


def test_the_warehouse_models_carry_every_amount(samples_warehouse: Path) -> None:
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        raw = _columns(con, "raw.raw_funding_rows")
        assert _amount_columns(raw) == list(AMOUNT_KEYS)
        for relation, want in MODELS.items():
            assert _amount_columns(_columns(con, relation)) == want, relation
        labels = con.execute("select distinct source, source_label from main.mart_funding_source_mix").fetchall()
        known = {**{k: AMOUNT_LABELS[k] for k in SOURCE_MIX_KEYS}, "not_itemised": "未分列"}
        assert labels and all(known.get(key) == label for key, label in labels)
        fiscal = [r[0] for r in con.execute(f"describe ({FUNDING_QUERY})").fetchall()]
        assert [column for column, _ in MEASURES.values()] == _amount_columns(fiscal)
    finally:
        con.close()


def test_the_compiled_models_and_tests_follow_the_list(samples_warehouse: Path) -> None:
    """The long-form funding has one branch per source, and the generic tests over the amounts
    (total = Σ sources, accepted source keys) were generated from the same list."""
    (manifest,) = (samples_warehouse.parent / "build" / "cli").glob("*/dbt/target/manifest.json")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    long_form = nodes["model.jixiao.fct_project_funding_source"]["compiled_code"]
    branches = [b for b in re.findall(r"select (?:f\.)?funding_id, '(\w+)'", long_form) if b != "not_itemised"]
    assert sorted(branches) == sorted(SOURCE_MIX_KEYS) and len(branches) == len(SOURCE_MIX_KEYS)
    tests = {n["name"]: n.get("compiled_code") or "" for n in nodes.values() if n["resource_type"] == "test"}
    (sum_test,) = [code for name, code in tests.items() if name.startswith("equals_sum_of_sources_fct_project_funding")]
    for k in AMOUNT_KEYS:
        if AMOUNT_KIND[k] == SOURCE:
            assert f"coalesce({k}_wan, 0)" in sum_test, k
        elif AMOUNT_KIND[k] == APPROPRIATION_PART:
            assert f"{k}_wan is null" in sum_test, k
    (accepted,) = [code for name, code in tests.items() if name.startswith("accepted_funding_sources_mart_funding")]
    assert re.findall(r"'(\w+)'", accepted.split("not in", 1)[1]) == [*SOURCE_MIX_KEYS, "not_itemised"]


def test_the_yaml_documents_only_columns_that_exist(samples_warehouse: Path) -> None:
    """Column docs and tests stay hand-written where they say something particular (总计,
    基本支出 …): each must name a column the built model has."""
    con = duckdb.connect(str(samples_warehouse), read_only=True)
    try:
        where = {
            r[0]: r[1] for r in con.execute("select table_name, table_schema from information_schema.tables").fetchall()
        }
        missing = []
        for path in sorted((DBT / "models").rglob("*.yml")):
            for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
                name = model["name"]
                if name not in where:
                    continue
                have = set(_columns(con, f"{where[name]}.{name}"))
                documented = [c["name"] for c in model.get("columns", [])]
                missing += [f"{name}.{c}" for c in _amount_columns(documented) if c not in have]
    finally:
        con.close()
    assert not missing, f"YAML documents amount columns the models lack: {missing}"


def test_dbt_refuses_an_amount_its_var_does_not_list(samples_warehouse: Path, tmp_path: Path) -> None:
    """A document that prints an amount the var lacks (the vocabulary gained a source, the var
    did not) fails the dbt build instead of losing the column."""
    from dbt.cli.main import dbtRunner

    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(samples_warehouse, database)
    con = duckdb.connect(str(database))
    try:
        con.execute("update raw.raw_documents set amount_columns = amount_columns || ',city_level_spending'")
    finally:
        con.close()
    with pytest.MonkeyPatch.context() as mp:
        # profiles.yml reads the file from var('database'), else from the environment
        mp.setenv("JIXIAO_DBT_DATABASE", str(database))
        mp.setenv("DO_NOT_TRACK", "1")
        res = dbtRunner().invoke(
            [
                "run",
                "--select",
                "stg_funding_rows",
                "--vars",
                json.dumps({"database": str(database)}),
                "--project-dir",
                str(DBT),
                "--profiles-dir",
                str(DBT),
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "logs"),
                "--quiet",
            ]
        )
    assert not res.success
    messages = " ".join(str(getattr(r, "message", "")) for r in (getattr(res.result, "results", None) or []))
    assert "city_level_spending" in messages + str(res.exception)

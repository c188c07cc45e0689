"""The dbt project's tests: none repeats what a declared key already enforces.

A primary key is unique and not null, a foreign key is a relationship: DuckDB refuses a row
that breaks one when the model is built (a duplicated key is traced back to its documents
and quarantined like a failing test: ``warehouse/dbt.py``'s ``key_violation``). A ``unique``,
``not_null`` or ``relationships`` test on such a column cannot fail; each would only scan
the whole table at every build and report one more asset check in Dagster."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest


def _nodes(samples_warehouse: Path) -> dict[str, Any]:
    (manifest,) = (samples_warehouse.parent / "build" / "cli").glob("*/dbt/target/manifest.json")
    return json.loads(manifest.read_text(encoding="utf-8"))["nodes"]  # type: ignore[no-any-return]


def _repeats_a_key(test: dict[str, Any], model: dict[str, Any]) -> str | None:
    """Which enforced constraint of ``model`` the generic ``test`` repeats, if any."""
    if not model["config"].get("contract", {}).get("enforced"):
        return None
    name, column = test["test_metadata"]["name"], test.get("column_name")
    constraints = model.get("constraints") or []
    primary = [c["columns"] for c in constraints if c["type"] == "primary_key"]
    if name in ("unique", "not_null") and primary and primary[0] == [column]:
        return "primary key"
    if name == "not_null" and any(c["type"] == "not_null" for c in model["columns"].get(column, {}).get("constraints") or []):
        return "not null constraint"
    if name == "relationships":
        kwargs = test["test_metadata"]["kwargs"]
        found = re.search(r"ref\('(\w+)'\)", kwargs["to"])
        for c in constraints:
            if (
                c["type"] == "foreign_key"
                and found
                and c["columns"] == [column]
                and c["to_columns"] == [kwargs["field"]]
                and str(c["to"]).endswith(f'"{found.group(1)}"')
            ):
                return "foreign key"
    return None


def test_no_data_test_repeats_a_declared_key(samples_warehouse: Path) -> None:
    nodes = _nodes(samples_warehouse)
    tests = [n for n in nodes.values() if n["resource_type"] == "test" and n.get("test_metadata")]
    assert len(tests) > 100
    repeated = sorted(
        f"{n['name']} ({why})"
        for n in tests
        if (model := nodes.get(n.get("attached_node") or "")) and (why := _repeats_a_key(n, model))
    )
    assert repeated == []
    # the keys are declared, and enforced, on the BI schema's models (the load errors are a log: no key)
    marts = {n["name"]: n for n in nodes.values() if n["resource_type"] == "model" and n["schema"] == "main"}
    assert len(marts) > 15 and all(n["config"]["contract"]["enforced"] for n in marts.values())
    keyless = sorted(k for k, n in marts.items() if not any(c["type"] == "primary_key" for c in n["constraints"]))
    assert keyless == ["mart_load_errors"]


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        ("insert into dim_document select * from dim_document limit 1", "primary key"),
        ("update fct_project_funding set project_id = 'no such project' where rowid = (select min(rowid) from fct_project_funding)",
         "foreign key"),
        ("insert into fct_project_funding select * replace ('x' || funding_id as funding_id, 'nowhere' as unit_id) "
         "from fct_project_funding limit 1", "foreign key"),
    ],
)
def test_the_keys_are_enforced(samples_warehouse: Path, tmp_path: Path, statement: str, refused: str) -> None:
    """What the removed tests checked, DuckDB refuses: a duplicated key, a dangling reference."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(samples_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        with pytest.raises(duckdb.ConstraintException) as caught:
            con.execute(statement)
    finally:
        con.close()
    assert refused in str(caught.value).lower()
